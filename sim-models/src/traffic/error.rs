//! What can be wrong with a trace file, a region's traffic or a request mix.

/// Why traffic could not be built. Trace errors name the file, the 1-based
/// line and the column, and say what was expected.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrafficError {
    /// A field of a trace row (or of the header) is not what it must be.
    #[error("{file} line {line}, column {column}: {value:?} {expected}")]
    TraceField {
        /// The trace's name, usually its path.
        file: String,
        /// 1-based line number.
        line: u64,
        /// `time`, `rate`, or the 1-based number of an extra column.
        column: String,
        /// The text found there.
        value: String,
        /// What it must be, e.g. `must be a finite number ≥ 0`.
        expected: String,
    },
    /// A row lacks a column.
    #[error("{file} line {line}, column {column}: missing; each row needs `time,rate`")]
    TraceMissingColumn {
        /// The trace's name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// The missing column.
        column: &'static str,
    },
    /// The trace has no header or no data row.
    #[error(
        "{file} line {line}, column time: no data; expected a header `time,rate` \
         followed by at least one row"
    )]
    TraceEmpty {
        /// The trace's name.
        file: String,
        /// The line where a row was expected.
        line: u64,
    },
    /// The trace could not be read (missing file, not UTF-8, I/O error).
    #[error("could not read trace {file}: {reason}")]
    TraceRead {
        /// The trace's name.
        file: String,
        /// The underlying error, with its line when known.
        reason: String,
    },
    /// A region's traffic settings are out of range.
    #[error("`{field}` = {value} {expected}")]
    InvalidRegion {
        /// The field, relative to the region, e.g. `spikes[0].multiplier`.
        field: String,
        /// The value given.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The pattern is `trace` but no trace was given, or a trace was given for
    /// another pattern.
    #[error("{0}")]
    TraceMismatch(String),
    /// The request mix is not a distribution over classes.
    #[error("{0}")]
    InvalidMix(String),
}
