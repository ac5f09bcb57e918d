// Package place owns the hierarchy of places a programme works in — country, region, municipality, ward or
// commune, and the venues where classes happen — with names per language, the operator's codes and the adult
// population of each area, the denominator of every coverage figure. A closure table keeps subtree, ancestor and
// "is this place inside that area" questions to one indexed query on both engines, and Import loads a whole
// hierarchy from CSV all or nothing.
package place
