//! OpenMetrics 1.0 text export, so a real Prometheus can ingest a run.
//!
//! The format decisions (counter names, millisecond timestamps, histograms as
//! summaries) are documented on [`Recorder::write_openmetrics`], where users see them.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use super::histogram::LatencySummary;
use super::key::SeriesKey;
use super::recorder::Recorder;
use super::series::{SeriesKind, TimeSeries};
use crate::error::{Error, Result};
use crate::time::{SimDuration, SimTime};

/// The suggested `start_unix_s` for [`Recorder::write_openmetrics`]:
/// 2026-01-01T00:00:00Z, so simulated time zero is a recent, round date.
pub const OPENMETRICS_START_UNIX_S: i64 = 1_767_225_600;

/// What [`Recorder::write_openmetrics`] names its errors.
const WHAT: &str = "OpenMetrics";

/// Timestamps are limited to ±2^34 s (about 1425 to 2514) so that every
/// millisecond has a decimal form that Prometheus' float parser reads back exactly.
const MAX_ABS_MS: i128 = (1 << 34) * 1000;

impl Recorder {
    /// Writes every counter and gauge sample, and a summary of every latency
    /// histogram, as OpenMetrics 1.0 text with timestamps: simulated time zero
    /// is `start_unix_s` (Unix seconds; [`OPENMETRICS_START_UNIX_S`] is the
    /// suggested value). The output ends with `# EOF` and is byte-identical
    /// for identical recorders.
    ///
    /// Load it into Prometheus with `promtool tsdb create-blocks-from
    /// openmetrics <file> <data dir>`, which turns it into TSDB blocks that
    /// Prometheus serves to Grafana. The writer is buffered internally. The
    /// format decisions:
    ///
    /// - **Families.** One `# TYPE` line per metric family, then all of that
    ///   family's samples (families and series are never interleaved); the file
    ///   ends with `# EOF`. Counters and gauges come first, grouped by family in the
    ///   order the family's first series was registered, then one `summary` family
    ///   per histogram name, also in registration order. No `# HELP` or `# UNIT`:
    ///   the recorder keeps no such text.
    /// - **Counters.** OpenMetrics names a counter family without `_total` and its
    ///   samples with it: a counter registered as `requests_total` is written as
    ///   family `requests` with samples `requests_total`, and one registered as
    ///   `requests` gets the same treatment, so in Prometheus it is
    ///   `requests_total` either way.
    /// - **Timestamps** are Unix seconds: `start_unix_s` plus the simulated time,
    ///   floored to the millisecond, which is Prometheus' resolution (`1767225601.5`).
    ///   Two samples of a series that fall in the same millisecond keep the later
    ///   value only, as a second [`Recorder::sample`] at one instant does.
    ///   Prometheus reads a timestamp as `int64(float_seconds * 1000)`, which
    ///   truncates; where the exact decimal would land one millisecond early that
    ///   way (rare, e.g. `271041745.002`, in 1978), 10 µs are appended
    ///   (`271041745.00201`) so that it lands on the right one.
    /// - **Start.** [`OPENMETRICS_START_UNIX_S`] (2026-01-01T00:00:00Z) is the
    ///   suggested start. `promtool` accepts any date, but a Prometheus that also
    ///   scrapes live targets deletes blocks older than its retention (15 d by
    ///   default) *relative to its newest data*; import into a dedicated Prometheus,
    ///   or pass a recent start (the caller may read a wall clock; this crate never does).
    /// - **Values** are shortest round-trip floats that always carry a decimal
    ///   point or an exponent (`3.0`, `0.25`, `1e-7`); `NaN`, `+Inf` and `-Inf` as
    ///   the spec spells them. Label values escape `\`, `"` and newline.
    /// - **Histograms** become an OpenMetrics `summary` stamped at the last scrape
    ///   (the latest timestamp of any series, or the start if nothing was scraped):
    ///   `quantile` `0.0` (exact min), `0.5`, `0.95`, `0.99`, `0.999` (within
    ///   [`RELATIVE_ERROR`](crate::record::RELATIVE_ERROR)) and `1.0` (exact max), in
    ///   seconds, then `_sum` (mean × count, so within count/2 ns) and `_count`. An
    ///   empty histogram has `NaN` quantiles and zero sum and count.
    ///
    /// Names the format cannot carry are an [`Error::Output`] before anything is
    /// written: a metric or label name outside `[a-zA-Z_:][a-zA-Z0-9_:]*` /
    /// `[a-zA-Z_][a-zA-Z0-9_]*`, a label name starting `__` (Prometheus reserves
    /// them), a histogram with a `quantile` label, or two families whose names or
    /// sample names clash (gauge `x` beside counter `x_total`; gauge `x_count`
    /// beside histogram `x`).
    ///
    /// ```
    /// use sim_core::record::Recorder;
    /// use sim_core::SimTime;
    ///
    /// let mut rec = Recorder::new();
    /// let served = rec.counter("requests_total", &[("region", "eu")]);
    /// rec.add(served, 3.0);
    /// rec.sample(SimTime::from_nanos(1_500_000_000));
    ///
    /// let mut out = Vec::new();
    /// rec.write_openmetrics(&mut out, 1_767_225_600).unwrap();
    /// assert_eq!(
    ///     String::from_utf8(out).unwrap(),
    ///     "# TYPE requests counter\n\
    ///      requests_total{region=\"eu\"} 3.0 1767225601.5\n\
    ///      ## EOF\n"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Output`] if a name cannot be written in OpenMetrics (see
    /// above) or writing fails; [`Error::InvalidParameter`] if a
    /// timestamp would fall outside about the years 1425–2514.
    pub fn write_openmetrics<W: Write>(&self, w: W, start_unix_s: i64) -> Result<()> {
        let families = self.families()?;

        // Histograms have no time of their own: stamp them at the last scrape.
        let last_scrape = self
            .series()
            .filter_map(|s| s.times().last().copied())
            .max()
            .unwrap_or(SimTime::ZERO);
        let start_ms = i128::from(start_unix_s) * 1000;
        let end_ms = start_ms + i128::from(last_scrape.as_nanos() / 1_000_000);
        if start_ms.abs() > MAX_ABS_MS || end_ms.abs() > MAX_ABS_MS {
            return Err(Error::invalid(
                "start_unix_s",
                start_unix_s,
                "timestamps must stay within ±2^34 s of 1970 (about the years 1425 to 2514)",
            ));
        }
        let clock = Clock { start_ms };

        let mut out = BufWriter::new(w);
        for family in &families {
            family.write(&mut out, clock, last_scrape).map_err(output)?;
        }
        out.write_all(b"# EOF\n").map_err(output)?;
        out.flush().map_err(output)
    }

    /// Groups counters and gauges, then histograms, into families, checking
    /// every name the output will carry.
    fn families<'a>(&'a self) -> Result<Vec<Family<'a>>> {
        let mut families: Vec<Family<'a>> = Vec::new();
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut add = |name: String, kind: FamilyKind, member: Member<'a>| -> Result<()> {
            let i = *by_name.entry(name.clone()).or_insert_with(|| {
                families.push(Family {
                    name,
                    kind,
                    members: Vec::new(),
                });
                families.len() - 1
            });
            let family = &mut families[i];
            if family.kind != kind {
                return Err(invalid(format!(
                    "metric family `{}` would be both a {} and a {}",
                    family.name,
                    family.kind.as_str(),
                    kind.as_str(),
                )));
            }
            family.members.push(member);
            Ok(())
        };

        for series in self.series() {
            let key = series.key();
            check_key(key)?;
            let (name, kind) = match series.kind() {
                SeriesKind::Counter => {
                    let family = key.name.strip_suffix("_total").unwrap_or(&key.name);
                    if family.is_empty() {
                        return Err(invalid(format!(
                            "counter `{key}` has no name once `_total` is removed"
                        )));
                    }
                    (family.to_owned(), FamilyKind::Counter)
                }
                SeriesKind::Gauge => (key.name.clone(), FamilyKind::Gauge),
            };
            // A series never scraped has nothing to say.
            if !series.is_empty() {
                add(name, kind, Member::Series(series))?;
            }
        }
        for (key, summary) in self.histograms() {
            check_key(key)?;
            if key.label("quantile").is_some() {
                return Err(invalid(format!(
                    "histogram `{key}` has a `quantile` label, which its summary needs for itself"
                )));
            }
            add(
                key.name.clone(),
                FamilyKind::Summary,
                Member::Histogram(key, summary),
            )?;
        }

        // A sample name may belong to one family only, or readers cannot tell
        // where a family ends (OpenMetrics) and metadata collide (Prometheus).
        let mut samples: BTreeMap<String, &str> = BTreeMap::new();
        for family in &families {
            for sample in family.sample_names() {
                if let Some(other) = samples.insert(sample.clone(), &family.name) {
                    return Err(invalid(format!(
                        "samples named `{sample}` would belong to both family `{other}` and family `{}`",
                        family.name
                    )));
                }
            }
        }
        Ok(families)
    }
}

/// One `# TYPE` block of the output.
struct Family<'a> {
    name: String,
    kind: FamilyKind,
    /// In registration order.
    members: Vec<Member<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FamilyKind {
    Counter,
    Gauge,
    Summary,
}

impl FamilyKind {
    fn as_str(self) -> &'static str {
        match self {
            FamilyKind::Counter => "counter",
            FamilyKind::Gauge => "gauge",
            FamilyKind::Summary => "summary",
        }
    }
}

enum Member<'a> {
    Series(&'a TimeSeries),
    Histogram(&'a SeriesKey, LatencySummary),
}

/// Turns simulated time into OpenMetrics timestamps.
#[derive(Clone, Copy)]
struct Clock {
    /// Unix milliseconds of simulated time zero.
    start_ms: i128,
}

impl Clock {
    /// Unix milliseconds of `t`, floored to the millisecond.
    fn unix_ms(self, t: SimTime) -> i128 {
        self.start_ms + i128::from(t.as_nanos() / 1_000_000)
    }
}

impl Family<'_> {
    /// Every sample name the family writes, for the clash check.
    fn sample_names(&self) -> Vec<String> {
        let name = &self.name;
        match self.kind {
            FamilyKind::Counter => vec![format!("{name}_total")],
            FamilyKind::Gauge => vec![name.clone()],
            FamilyKind::Summary => {
                vec![name.clone(), format!("{name}_sum"), format!("{name}_count")]
            }
        }
    }

    fn write(
        &self,
        out: &mut impl Write,
        clock: Clock,
        last_scrape: SimTime,
    ) -> std::io::Result<()> {
        writeln!(out, "# TYPE {} {}", self.name, self.kind.as_str())?;
        for member in &self.members {
            match *member {
                Member::Series(series) => {
                    let name = match self.kind {
                        FamilyKind::Counter => format!("{}_total", self.name),
                        _ => self.name.clone(),
                    };
                    let labels = braces(&series.key().labels_text(), None);
                    let mut points = series.points().peekable();
                    while let Some((time, value)) = points.next() {
                        let ms = clock.unix_ms(time);
                        // Prometheus keeps milliseconds: of several samples in
                        // one, keep the last, as a repeated scrape does.
                        if points
                            .peek()
                            .is_some_and(|&(next, _)| clock.unix_ms(next) == ms)
                        {
                            continue;
                        }
                        writeln!(out, "{name}{labels} {} {}", number(value), timestamp(ms))?;
                    }
                }
                Member::Histogram(key, s) => {
                    let name = &self.name;
                    let ts = timestamp(clock.unix_ms(last_scrape));
                    let labels = key.labels_text();
                    let quantiles = [
                        ("0.0", s.min),
                        ("0.5", s.p50),
                        ("0.95", s.p95),
                        ("0.99", s.p99),
                        ("0.999", s.p999),
                        ("1.0", s.max),
                    ];
                    for (q, value) in quantiles {
                        let value = if s.count == 0 { f64::NAN } else { secs(value) };
                        let labels = braces(&labels, Some(q));
                        writeln!(out, "{name}{labels} {} {ts}", number(value))?;
                    }
                    // The mean is rounded to the nanosecond, so this is within count/2 ns.
                    let sum_ns = u128::from(s.mean.as_nanos()) * u128::from(s.count);
                    let sum = sum_ns as f64 / 1e9;
                    let labels = braces(&labels, None);
                    writeln!(out, "{name}_sum{labels} {} {ts}", number(sum))?;
                    writeln!(out, "{name}_count{labels} {} {ts}", s.count)?;
                }
            }
        }
        Ok(())
    }
}

/// `{labels}` (with an added `quantile` label if given), or nothing without labels.
fn braces(labels: &str, quantile: Option<&str>) -> String {
    match (labels.is_empty(), quantile) {
        (true, None) => String::new(),
        (true, Some(q)) => format!("{{quantile=\"{q}\"}}"),
        (false, None) => format!("{{{labels}}}"),
        (false, Some(q)) => format!("{{{labels},quantile=\"{q}\"}}"),
    }
}

/// A duration in seconds.
fn secs(d: SimDuration) -> f64 {
    d.as_nanos() as f64 / 1e9
}

/// An OpenMetrics number: shortest round-trip form with a decimal point or an
/// exponent (Rust's `Debug` for `f64`: `3.0`, `0.25`, `1e-7`, `1e16`), and the
/// spec's spelling of the special values.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v == f64::INFINITY {
        "+Inf".to_owned()
    } else if v == f64::NEG_INFINITY {
        "-Inf".to_owned()
    } else {
        format!("{v:?}")
    }
}

/// Unix milliseconds as decimal seconds (`1767225600`, `1767225601.5`) that
/// Prometheus' parser, `int64(parse_float(s) * 1000)`, reads back as `ms`.
///
/// `ms` must be within [`MAX_ABS_MS`].
fn timestamp(ms: i128) -> String {
    assert!(ms.abs() <= MAX_ABS_MS, "timestamp {ms} ms out of range");
    let sign = if ms < 0 { "-" } else { "" };
    let (whole, frac) = (ms.unsigned_abs() / 1000, ms.unsigned_abs() % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:03}");
    let exact = format!("{sign}{whole}.{}", digits.trim_end_matches('0'));
    if prometheus_reads(&exact) == ms {
        return exact;
    }
    // The nearest double lies just below the exact value, so the product
    // truncates one millisecond early; 10 µs more clears it by far more than
    // the rounding of a double below 2^34 s.
    let nudged = format!("{sign}{whole}.{digits}01");
    assert_eq!(prometheus_reads(&nudged), ms, "timestamp {nudged}");
    nudged
}

/// The millisecond Prometheus' OpenMetrics parser makes of a timestamp: Go's
/// `int64(ts * 1000)` truncates toward zero, as Rust's `as` does.
fn prometheus_reads(seconds: &str) -> i128 {
    let s: f64 = seconds
        .parse()
        .expect("timestamps are formatted as decimals");
    i128::from((s * 1000.0) as i64)
}

/// Checks the metric name and label names against the OpenMetrics grammar.
fn check_key(key: &SeriesKey) -> Result<()> {
    let name_ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let name = &key.name;
    if name.starts_with(|c: char| c.is_ascii_digit()) || !name.chars().all(name_ok) {
        return Err(invalid(format!(
            "metric name `{name}` does not match [a-zA-Z_:][a-zA-Z0-9_:]*"
        )));
    }
    for (label, _) in &key.labels {
        let label_ok = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if label.is_empty()
            || label.starts_with(|c: char| c.is_ascii_digit())
            || !label.chars().all(label_ok)
        {
            return Err(invalid(format!(
                "label name `{label}` of `{name}` does not match [a-zA-Z_][a-zA-Z0-9_]*"
            )));
        }
        if label.starts_with("__") {
            return Err(invalid(format!(
                "label name `{label}` of `{name}` starts with `__`, which Prometheus reserves"
            )));
        }
    }
    Ok(())
}

fn invalid(reason: String) -> Error {
    Error::Output { what: WHAT, reason }
}

fn output(e: std::io::Error) -> Error {
    invalid(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = OPENMETRICS_START_UNIX_S;

    fn text(rec: &Recorder) -> String {
        let mut out = Vec::new();
        rec.write_openmetrics(&mut out, START).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn error(rec: &Recorder) -> String {
        match rec.write_openmetrics(Vec::new(), START) {
            Err(Error::Output { what, reason }) => {
                assert_eq!(what, "OpenMetrics");
                reason
            }
            other => panic!("expected an output error, got {other:?}"),
        }
    }

    #[test]
    fn tiny_recorder_exact_text() {
        let mut rec = Recorder::new();
        let served = rec.counter("requests_total", &[("region", "eu"), ("code", "200")]);
        let ready = rec.gauge("instances_ready", &[]);
        let other = rec.counter("requests_total", &[("region", "us"), ("code", "500")]);
        rec.sample(SimTime::ZERO);
        rec.add(served, 3.0);
        rec.inc(other);
        rec.set(ready, 2.5);
        rec.sample(SimTime::from_nanos(1_500_000_000));
        let latency = rec.histogram("latency_seconds", &[("path", "/")]);
        rec.record(latency, SimDuration::from_millis(10));
        rec.record(latency, SimDuration::from_millis(30));
        rec.histogram("idle_seconds", &[]);

        assert_eq!(
            text(&rec),
            "# TYPE requests counter\n\
             requests_total{code=\"200\",region=\"eu\"} 0.0 1767225600\n\
             requests_total{code=\"200\",region=\"eu\"} 3.0 1767225601.5\n\
             requests_total{code=\"500\",region=\"us\"} 0.0 1767225600\n\
             requests_total{code=\"500\",region=\"us\"} 1.0 1767225601.5\n\
             # TYPE instances_ready gauge\n\
             instances_ready 0.0 1767225600\n\
             instances_ready 2.5 1767225601.5\n\
             # TYPE latency_seconds summary\n\
             latency_seconds{path=\"/\",quantile=\"0.0\"} 0.01 1767225601.5\n\
             latency_seconds{path=\"/\",quantile=\"0.5\"} 0.010027007 1767225601.5\n\
             latency_seconds{path=\"/\",quantile=\"0.95\"} 0.03 1767225601.5\n\
             latency_seconds{path=\"/\",quantile=\"0.99\"} 0.03 1767225601.5\n\
             latency_seconds{path=\"/\",quantile=\"0.999\"} 0.03 1767225601.5\n\
             latency_seconds{path=\"/\",quantile=\"1.0\"} 0.03 1767225601.5\n\
             latency_seconds_sum{path=\"/\"} 0.04 1767225601.5\n\
             latency_seconds_count{path=\"/\"} 2 1767225601.5\n\
             # TYPE idle_seconds summary\n\
             idle_seconds{quantile=\"0.0\"} NaN 1767225601.5\n\
             idle_seconds{quantile=\"0.5\"} NaN 1767225601.5\n\
             idle_seconds{quantile=\"0.95\"} NaN 1767225601.5\n\
             idle_seconds{quantile=\"0.99\"} NaN 1767225601.5\n\
             idle_seconds{quantile=\"0.999\"} NaN 1767225601.5\n\
             idle_seconds{quantile=\"1.0\"} NaN 1767225601.5\n\
             idle_seconds_sum 0.0 1767225601.5\n\
             idle_seconds_count 0 1767225601.5\n\
             # EOF\n"
        );
    }

    #[test]
    fn an_empty_recorder_is_just_eof() {
        assert_eq!(text(&Recorder::new()), "# EOF\n");
        // Registered but never scraped: nothing to say about it.
        let mut rec = Recorder::new();
        rec.gauge("queue_depth", &[]);
        assert_eq!(text(&rec), "# EOF\n");
    }

    #[test]
    fn counters_are_named_by_the_openmetrics_rules() {
        let mut rec = Recorder::new();
        rec.counter("errors", &[]);
        rec.counter("bytes_total", &[]);
        rec.gauge("total", &[]);
        rec.sample(SimTime::ZERO);
        assert_eq!(
            text(&rec),
            "# TYPE errors counter\n\
             errors_total 0.0 1767225600\n\
             # TYPE bytes counter\n\
             bytes_total 0.0 1767225600\n\
             # TYPE total gauge\n\
             total 0.0 1767225600\n\
             # EOF\n"
        );
    }

    #[test]
    fn families_stay_contiguous_whatever_the_registration_order() {
        let mut rec = Recorder::new();
        let a = rec.gauge("pool_size", &[("pool", "a")]);
        rec.gauge("queue_depth", &[]);
        let b = rec.gauge("pool_size", &[("pool", "b")]);
        rec.set(a, 1.0);
        rec.set(b, 2.0);
        rec.sample(SimTime::ZERO);
        assert_eq!(
            text(&rec),
            "# TYPE pool_size gauge\n\
             pool_size{pool=\"a\"} 1.0 1767225600\n\
             pool_size{pool=\"b\"} 2.0 1767225600\n\
             # TYPE queue_depth gauge\n\
             queue_depth 0.0 1767225600\n\
             # EOF\n"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        let mut rec = Recorder::new();
        rec.gauge("up", &[("msg", "a \"b\"\\\nc"), ("zone", "é")]);
        rec.sample(SimTime::ZERO);
        assert_eq!(
            text(&rec),
            "# TYPE up gauge\n\
             up{msg=\"a \\\"b\\\"\\\\\\nc\",zone=\"é\"} 0.0 1767225600\n\
             # EOF\n"
        );
    }

    #[test]
    fn special_and_extreme_values() {
        let mut rec = Recorder::new();
        let values = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-7,
            1e16,
            -0.25,
            42.0,
        ];
        for (i, v) in values.into_iter().enumerate() {
            let g = rec.gauge("g", &[("i", &i.to_string())]);
            rec.set(g, v);
        }
        rec.sample(SimTime::ZERO);
        let samples: Vec<String> = text(&rec)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split(' ').nth(1).unwrap().to_owned())
            .collect();
        assert_eq!(
            samples,
            ["NaN", "+Inf", "-Inf", "1e-7", "1e16", "-0.25", "42.0"]
        );
    }

    #[test]
    fn samples_within_one_millisecond_keep_the_last() {
        let mut rec = Recorder::new();
        let g = rec.gauge("g", &[]);
        for (ns, v) in [(0, 1.0), (400_000, 2.0), (999_999, 3.0), (1_000_000, 4.0)] {
            rec.set(g, v);
            rec.sample(SimTime::from_nanos(ns));
        }
        assert_eq!(
            text(&rec),
            "# TYPE g gauge\n\
             g 3.0 1767225600\n\
             g 4.0 1767225600.001\n\
             # EOF\n"
        );
    }

    #[test]
    fn timestamps_read_back_exactly_in_prometheus() {
        assert_eq!(timestamp(0), "0");
        assert_eq!(timestamp(1_767_225_601_500), "1767225601.5");
        assert_eq!(timestamp(1_767_225_600_010), "1767225600.01");
        assert_eq!(timestamp(-1_500), "-1.5");
        assert_eq!(timestamp(-500), "-0.5");
        // 271041745.002 parses to a double just below, which truncates to .001.
        assert_eq!(prometheus_reads("271041745.002"), 271_041_745_001);
        assert_eq!(timestamp(271_041_745_002), "271041745.00201");
        // Every millisecond of a few seconds around the default start, and of
        // a second known to need the nudge, reads back as itself.
        for base in [START, START + 86_399, 271_041_745, -271_041_745] {
            for ms in 0..1000 {
                let want = i128::from(base) * 1000 + ms;
                assert_eq!(prometheus_reads(&timestamp(want)), want, "{want}");
            }
        }
    }

    #[test]
    fn out_of_range_starts_are_rejected() {
        let mut rec = Recorder::new();
        rec.gauge("g", &[]);
        rec.sample(SimTime::from_nanos(1_000_000_000));
        // The last sample, one second after the start, is what goes out of range.
        assert!(rec.write_openmetrics(Vec::new(), (1 << 34) - 1).is_ok());
        assert!(rec.write_openmetrics(Vec::new(), 1 << 34).is_err());
        assert!(rec.write_openmetrics(Vec::new(), -(1 << 34)).is_ok());
        assert!(matches!(
            rec.write_openmetrics(Vec::new(), i64::MAX),
            Err(Error::InvalidParameter {
                name: "start_unix_s",
                ..
            })
        ));
    }

    #[test]
    fn names_the_format_cannot_carry_are_errors() {
        let mut rec = Recorder::new();
        rec.gauge("p99 latency", &[]);
        assert!(error(&rec).contains("`p99 latency` does not match"));

        let mut rec = Recorder::new();
        rec.gauge("9lives", &[]);
        assert!(error(&rec).contains("`9lives`"));

        let mut rec = Recorder::new();
        rec.gauge("up", &[("pod-name", "x")]);
        assert!(error(&rec).contains("label name `pod-name`"));

        let mut rec = Recorder::new();
        rec.gauge("up", &[("__name__", "x")]);
        assert!(error(&rec).contains("reserves"));

        let mut rec = Recorder::new();
        rec.histogram("latency_seconds", &[("quantile", "x")]);
        assert!(error(&rec).contains("`quantile` label"));

        let mut rec = Recorder::new();
        rec.counter("_total", &[]);
        assert!(error(&rec).contains("no name"));
    }

    #[test]
    fn clashing_families_are_errors() {
        let mut rec = Recorder::new();
        rec.gauge("requests", &[]);
        rec.counter("requests_total", &[]);
        rec.sample(SimTime::ZERO);
        assert!(
            error(&rec).contains("both a gauge and a counter"),
            "{}",
            error(&rec)
        );

        let mut rec = Recorder::new();
        rec.counter("jobs", &[("a", "1")]);
        rec.gauge("jobs_total", &[("a", "2")]);
        rec.sample(SimTime::ZERO);
        assert!(error(&rec).contains("`jobs_total`"), "{}", error(&rec));

        let mut rec = Recorder::new();
        rec.gauge("latency_seconds_count", &[]);
        rec.histogram("latency_seconds", &[]);
        rec.sample(SimTime::ZERO);
        assert!(
            error(&rec).contains("`latency_seconds_count`"),
            "{}",
            error(&rec)
        );

        // One name as a counter and as a gauge with other labels.
        let mut rec = Recorder::new();
        rec.counter("x_total", &[("a", "1")]);
        rec.gauge("x_total", &[("a", "2")]);
        rec.sample(SimTime::ZERO);
        assert!(error(&rec).contains("family"), "{}", error(&rec));
    }

    #[test]
    fn output_is_deterministic() {
        let build = || {
            let mut rec = Recorder::new();
            for region in ["us", "eu", "ap"] {
                let c = rec.counter("requests_total", &[("region", region)]);
                rec.add(c, 7.0);
                let h = rec.histogram("latency_seconds", &[("region", region)]);
                rec.record(h, SimDuration::from_millis(5));
            }
            rec.sample(SimTime::from_nanos(15_000_000_000));
            rec
        };
        assert_eq!(text(&build()), text(&build()));
    }

    #[test]
    fn write_failures_are_output_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut rec = Recorder::new();
        rec.gauge("g", &[]);
        rec.sample(SimTime::ZERO);
        match rec.write_openmetrics(Broken, START) {
            Err(Error::Output { reason, .. }) => assert!(reason.contains("disk full"), "{reason}"),
            other => panic!("expected an output error, got {other:?}"),
        }
    }
}
