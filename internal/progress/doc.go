// Package progress owns the learning records: append-only statements shaped like
// xAPI (actor, verb, object, result, context, timestamp, a client-made UUID), the
// intake that takes them in batches from pages and offline phones, and the
// projections kept up to date as they arrive — enrolments, lesson progress and
// the daily rollup per place and course that dashboards read.
package progress
