//! An optional structured log of notable events, for debugging and timelines.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::error::{Error, Result};
use crate::time::SimTime;

/// Keys every NDJSON line starts with; a field may not reuse them.
const RESERVED: [&str; 3] = ["time", "time_ns", "kind"];

/// A structured log of what happened when: `deploy_started`, `instance_killed`…
///
/// Unlike metrics, a log grows with the events it records, so it is **off by
/// default**: then [`log`](Self::log) costs one branch and never runs the
/// closure that would fill in the fields. [`bounded`](Self::bounded) caps the
/// number of records: once full, the log keeps its first records (a faithful
/// account of the run up to that point) and counts the rest in
/// [`dropped`](Self::dropped) instead of growing without bound.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    enabled: bool,
    limit: Option<usize>,
    records: Vec<LogRecord>,
    dropped: u64,
}

/// One entry of an [`EventLog`]: when, what kind, and named fields.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// When it happened.
    pub time: SimTime,
    /// What happened, in `snake_case`, e.g. `instance_killed`.
    pub kind: Cow<'static, str>,
    /// Details, e.g. `instance: 3`; sorted by name so output is deterministic.
    pub fields: BTreeMap<String, serde_json::Value>,
}

impl EventLog {
    /// A log that records nothing; the default, so logging costs nothing unless asked for.
    pub fn disabled() -> Self {
        Self::default()
    }

    /// A log that keeps every record; for short runs and tests.
    pub fn unbounded() -> Self {
        EventLog {
            enabled: true,
            ..Self::default()
        }
    }

    /// A log that keeps at most `max_records` and counts the records it drops,
    /// so a long run cannot exhaust memory through its log.
    pub fn bounded(max_records: usize) -> Self {
        EventLog {
            enabled: true,
            limit: Some(max_records),
            ..Self::default()
        }
    }

    /// Whether [`log`](Self::log) records anything; lets callers skip costly
    /// preparation that the `fill` closure cannot hold.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Records an event of `kind` at `time`, its fields set by `fill`:
    ///
    /// ```
    /// # use sim_core::{record::EventLog, SimTime};
    /// let mut log = EventLog::unbounded();
    /// log.log(SimTime::ZERO, "instance_killed", |r| {
    ///     r.field("instance", 3).field("reason", "oom");
    /// });
    /// assert_eq!(log.records()[0].fields["reason"], "oom");
    /// ```
    ///
    /// When the log is disabled or full, `fill` is not called, so building the
    /// fields costs nothing.
    pub fn log<F>(&mut self, time: SimTime, kind: impl Into<Cow<'static, str>>, fill: F)
    where
        F: FnOnce(&mut LogRecord),
    {
        if !self.enabled {
            return;
        }
        if self.limit.is_some_and(|limit| self.records.len() >= limit) {
            self.dropped += 1;
            return;
        }
        let mut record = LogRecord {
            time,
            kind: kind.into(),
            fields: BTreeMap::new(),
        };
        fill(&mut record);
        self.records.push(record);
    }

    /// The records kept, in the order they were logged.
    pub fn records(&self) -> &[LogRecord] {
        &self.records
    }

    /// How many records were kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record was kept.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many records a [`bounded`](Self::bounded) log turned away once full;
    /// non-zero means the log is truncated.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Writes one JSON object per line (NDJSON), in logged order:
    /// `{"time":"1s500ms","time_ns":1500000000,"kind":"instance_killed","instance":3}`.
    ///
    /// `time` is the human duration since the start, `time_ns` the exact
    /// integer; the record's fields follow, sorted by name. Buffered internally.
    pub fn write_ndjson<W: Write>(&self, w: W) -> Result<()> {
        let what = "event log NDJSON";
        let fail = |e: &dyn std::fmt::Display| Error::Output {
            what,
            reason: e.to_string(),
        };
        let mut out = BufWriter::new(w);
        for record in &self.records {
            serde_json::to_writer(&mut out, record).map_err(|e| fail(&e))?;
            out.write_all(b"\n").map_err(|e| fail(&e))?;
        }
        out.flush().map_err(|e| fail(&e))
    }
}

impl LogRecord {
    /// Sets field `key` to `value` (numbers, strings, bools, or any
    /// `serde_json::Value`), replacing an earlier value; chains.
    ///
    /// # Panics
    /// If `key` is `time`, `time_ns` or `kind`, which every NDJSON line already uses.
    pub fn field(
        &mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> &mut Self {
        let key = key.into();
        assert!(
            !RESERVED.contains(&key.as_str()),
            "log field `{key}` is reserved"
        );
        self.fields.insert(key, value.into());
        self
    }
}

impl std::fmt::Display for LogRecord {
    /// One console line: `1.500s instance_killed instance=3 reason="oom"`
    /// (time to the millisecond, strings JSON-quoted, fields sorted by name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3}s {}", self.time.as_secs_f64(), self.kind)?;
        for (k, v) in &self.fields {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

impl Serialize for LogRecord {
    /// A flat object whose first keys are `time`, `time_ns` and `kind`, so a
    /// line reads chronologically and filters easily with `jq`.
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3 + self.fields.len()))?;
        map.serialize_entry("time", &self.time)?;
        map.serialize_entry("time_ns", &self.time.as_nanos())?;
        map.serialize_entry("kind", &self.kind)?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn at(ms: u64) -> SimTime {
        SimTime::from_nanos(ms * 1_000_000)
    }

    #[test]
    fn disabled_log_records_nothing_and_never_builds_fields() {
        let mut log = EventLog::default();
        assert!(!log.is_enabled());
        let mut called = false;
        log.log(at(1), "instance_killed", |_| called = true);
        assert!(!called);
        assert!(log.is_empty());
        assert_eq!(log.dropped(), 0);
        let mut out = Vec::new();
        log.write_ndjson(&mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn enabled_log_writes_ndjson_that_parses_back() {
        let mut log = EventLog::unbounded();
        log.log(at(1_500), "instance_killed", |r| {
            r.field("reason", "oom").field("instance", 3);
        });
        log.log(at(2_000), String::from("deploy_started"), |r| {
            r.field("version", "v2").field("canary", true);
        });
        let mut out = Vec::new();
        log.write_ndjson(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.lines().next().unwrap(),
            r#"{"time":"1s500ms","time_ns":1500000000,"kind":"instance_killed","instance":3,"reason":"oom"}"#
        );
        let parsed: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            parsed[1],
            json!({"time": "2s", "time_ns": 2_000_000_000u64, "kind": "deploy_started",
                   "version": "v2", "canary": true})
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn bounded_log_keeps_the_first_records_and_counts_the_rest() {
        let mut log = EventLog::bounded(3);
        for i in 0..10_u64 {
            log.log(at(i), "tick", |r| {
                r.field("i", i);
            });
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped(), 7);
        assert_eq!(log.records()[2].fields["i"], 2);
        assert_eq!(log.records()[2].time, at(2));
    }

    #[test]
    fn a_record_reads_as_one_console_line() {
        let mut log = EventLog::unbounded();
        log.log(at(2), "request", |r| {
            r.field("outcome", "failed").field("took_ms", 1.5);
        });
        assert_eq!(
            log.records()[0].to_string(),
            r#"0.002s request outcome="failed" took_ms=1.5"#
        );
    }

    #[test]
    #[should_panic(expected = "log field `time` is reserved")]
    fn fields_cannot_shadow_the_fixed_keys() {
        let mut log = EventLog::unbounded();
        log.log(at(0), "tick", |r| {
            r.field("time", 1);
        });
    }
}
