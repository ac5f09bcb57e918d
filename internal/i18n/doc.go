// Package i18n owns onramp's user-interface text: the translation catalogs for every supported language
// (embedded JSON, with optional operator overlays), CLDR plural selection, the language table, and the choice of
// a person's language from their setting, a cookie or the browser's Accept-Language header.
//
// It sits at level 0 and imports no other onramp package, so every layer can translate a key without creating an
// import cycle; the catalog is a value built once by New and passed down, never a global. Check reports every gap
// a translator must fill, and a test keeps the embedded catalogs free of gaps.
package i18n
