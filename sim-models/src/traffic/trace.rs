//! Trace files: a recorded request rate to replay.
//!
//! A CSV with a header row `time,rate`, then one row per change of rate:
//!
//! ```text
//! time,rate
//! 0s,120
//! 90s,300.5
//! 1h,80
//! ```
//!
//! `time` is a human duration (`"90s"`, `"1h30m"`) or plain seconds (`"90"`,
//! `"1.5"`) since the start of the run, strictly increasing; `rate` is requests
//! per second, a finite number ≥ 0. Fields may be padded with spaces; lines
//! starting with `#` are comments.

use std::io::Read;
use std::path::Path;

use sim_core::{SimDuration, SimTime};

use super::error::TrafficError;

/// One row of a trace: from `time` on, the rate is `rate_rps` (until the next row).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceRow {
    /// When the rate takes effect.
    pub time: SimTime,
    /// Requests per second.
    pub rate_rps: f64,
}

/// A parsed, validated trace: at least one row, times strictly increasing,
/// rates finite and ≥ 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    source: String,
    rows: Vec<TraceRow>,
}

impl Trace {
    /// Reads a trace file; errors name the file by `path`.
    pub fn from_path(path: &Path) -> Result<Trace, TrafficError> {
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| TrafficError::TraceRead {
            file: source.clone(),
            reason: e.to_string(),
        })?;
        Self::from_reader(std::io::BufReader::new(file), &source)
    }

    /// Reads a trace from any reader; errors name it `source_name`.
    pub fn from_reader(reader: impl Read, source_name: &str) -> Result<Trace, TrafficError> {
        let file = source_name.to_owned();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(reader);
        let read_error = |e: csv::Error| TrafficError::TraceRead {
            file: file.clone(),
            reason: e.to_string(),
        };
        let mut records = csv.records();
        let mut rows: Vec<TraceRow> = Vec::new();

        let Some(header) = records.next() else {
            return Err(TrafficError::TraceEmpty { file, line: 1 });
        };
        let header = header.map_err(read_error)?;
        let line = line_of(&header, 1);
        check_header(&file, line, &header)?;
        let mut prev_line = line;

        for record in records {
            let record = record.map_err(read_error)?;
            let line = line_of(&record, prev_line + 1);
            prev_line = line;
            let field = |i: usize, column: &'static str| {
                record
                    .get(i)
                    .ok_or_else(|| TrafficError::TraceMissingColumn {
                        file: file.clone(),
                        line,
                        column,
                    })
            };
            let (time_text, rate_text) = (field(0, "time")?, field(1, "rate")?);
            if let Some(extra) = record.get(2) {
                return Err(bad(
                    &file,
                    line,
                    "3",
                    extra,
                    "is an extra column; expected only `time,rate`",
                ));
            }
            let time = parse_time(time_text).ok_or_else(|| {
                bad(
                    &file,
                    line,
                    "time",
                    time_text,
                    "must be a duration like \"90s\" or a number of seconds ≥ 0",
                )
            })?;
            let rate_rps = rate_text
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .ok_or_else(|| {
                    bad(
                        &file,
                        line,
                        "rate",
                        rate_text,
                        "must be a finite number ≥ 0",
                    )
                })?;
            if let Some(last) = rows.last()
                && time <= last.time
            {
                let expected = format!(
                    "must be later than the previous row's time ({})",
                    last.time.since_start()
                );
                return Err(bad(&file, line, "time", time_text, &expected));
            }
            rows.push(TraceRow { time, rate_rps });
        }
        if rows.is_empty() {
            return Err(TrafficError::TraceEmpty {
                file,
                line: prev_line + 1,
            });
        }
        Ok(Trace {
            source: source_name.to_owned(),
            rows,
        })
    }

    /// The name errors and reports use for this trace.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The rows, in increasing time; never empty.
    pub fn rows(&self) -> &[TraceRow] {
        &self.rows
    }
}

/// The record's 1-based line, or `fallback` if the reader did not say.
fn line_of(record: &csv::StringRecord, fallback: u64) -> u64 {
    record.position().map_or(fallback, csv::Position::line)
}

fn bad(file: &str, line: u64, column: &str, value: &str, expected: &str) -> TrafficError {
    TrafficError::TraceField {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        value: value.to_owned(),
        expected: expected.to_owned(),
    }
}

fn check_header(file: &str, line: u64, header: &csv::StringRecord) -> Result<(), TrafficError> {
    for (i, name) in ["time", "rate"].into_iter().enumerate() {
        match header.get(i) {
            None => {
                return Err(TrafficError::TraceMissingColumn {
                    file: file.to_owned(),
                    line,
                    column: name,
                });
            }
            Some(text) if !text.eq_ignore_ascii_case(name) => {
                let expected =
                    format!("must be the header `{name}` (the first row is `time,rate`)");
                return Err(bad(file, line, name, text, &expected));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = header.get(2) {
        return Err(bad(
            file,
            line,
            "3",
            extra,
            "is an extra column; expected only `time,rate`",
        ));
    }
    Ok(())
}

/// `"90s"`, `"1h30m"` (exact), or plain seconds `"90"`, `"1.5"`.
fn parse_time(text: &str) -> Option<SimTime> {
    if let Ok(d) = text.parse::<SimDuration>() {
        return Some(SimTime::ZERO + d);
    }
    // Plain seconds: below 2^64 ns (about 584 years), so nothing saturates silently.
    let secs = text.parse::<f64>().ok()?;
    (0.0..1.8e10)
        .contains(&secs)
        .then(|| SimTime::ZERO + SimDuration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn reads_durations_plain_seconds_padding_and_comments() {
        let text = "time, rate\n# warm-up\n0,1\n 90s , 2.5\n\n100.5,0\n1h,3\n";
        let t = Trace::from_reader(text.as_bytes(), "t.csv").unwrap();
        let rows: Vec<(SimTime, f64)> = t.rows().iter().map(|r| (r.time, r.rate_rps)).collect();
        assert_eq!(
            rows,
            [
                (secs(0), 1.0),
                (secs(90), 2.5),
                (SimTime::from_nanos(100_500_000_000), 0.0),
                (secs(3600), 3.0)
            ]
        );
        assert_eq!(t.source(), "t.csv");
    }

    #[test]
    fn line_numbers_count_comments_and_blank_lines() {
        let text = "time,rate\n\n# c\n0s,1\n1s,-1\n";
        let e = Trace::from_reader(text.as_bytes(), "t.csv")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.csv line 5, column rate"), "{e}");
    }

    #[test]
    fn rejects_a_wrong_header_and_extra_columns() {
        let e = Trace::from_reader("0s,1\n1s,2\n".as_bytes(), "t.csv").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.csv line 1, column time: \"0s\" must be the header"),
            "{e}"
        );
        let e = Trace::from_reader("time,rate\n0s,1,x\n".as_bytes(), "t.csv").unwrap_err();
        assert!(
            e.to_string().starts_with("t.csv line 2, column 3: \"x\""),
            "{e}"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = Trace::from_path(Path::new("/nonexistent/trace.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/trace.csv"), "{e}");
    }
}
