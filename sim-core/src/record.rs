//! Recording: what a run measured, in memory that does not grow with traffic.
//!
//! A simulated platform serves millions of requests; keeping one value per
//! request would make memory grow with the length of the run. This module keeps
//! only aggregates, so memory grows with *series × samples*, never with the
//! number of observations:
//!
//! - **Counters** only go up (`requests_total`); **gauges** hold the latest
//!   value (`instances_ready`). Each [`Recorder::sample`] — the scrape step —
//!   appends every counter's and gauge's current value to its [`TimeSeries`].
//! - **Latency histograms** ([`LatencyHistogram`]) have a fixed size set at
//!   registration (about 58 KiB) and report quantiles within a stated relative
//!   error of [`RELATIVE_ERROR`] (< 0.79 %).
//! - An optional [`EventLog`] keeps structured records for debugging; it is off
//!   by default and can be capped.
//!
//! Series are named the Prometheus way: a metric name plus sorted labels
//! ([`SeriesKey`], printed `requests_total{region="eu"}`). Names are looked up
//! once, at registration, which returns a small integer id; the hot-path calls
//! ([`Recorder::inc`], [`Recorder::set`], [`Recorder::record`]) take that id and
//! are O(1) and allocation-free. Every output lists series in registration
//! order, so two runs with the same seed write byte-identical files.
//!
//! ```
//! use sim_core::record::Recorder;
//! use sim_core::{SimDuration, SimTime};
//!
//! let mut rec = Recorder::new();
//! let served = rec.counter("requests_total", &[("region", "eu")]);
//! let latency = rec.histogram("latency_seconds", &[("region", "eu")]);
//!
//! for ms in [10, 20, 30] {
//!     rec.inc(served);
//!     rec.record(latency, SimDuration::from_millis(ms));
//! }
//! rec.sample(SimTime::from_nanos(1_000_000_000));
//!
//! let series = rec.series().next().unwrap();
//! assert_eq!(series.key().to_string(), r#"requests_total{region="eu"}"#);
//! assert_eq!(series.values(), &[3.0]);
//! assert_eq!(rec.quantiles(latency).max, SimDuration::from_millis(30));
//!
//! let mut csv = Vec::new();
//! rec.write_csv(&mut csv).unwrap();
//! assert!(String::from_utf8(csv).unwrap().ends_with("1,requests_total,\"region=\"\"eu\"\"\",3\n"));
//! ```

mod event_log;
mod export;
mod histogram;
mod key;
mod openmetrics;
mod recorder;
mod series;

pub use event_log::{EventLog, LogRecord};
pub use histogram::{LatencyHistogram, LatencySummary, RELATIVE_ERROR};
pub use key::SeriesKey;
pub use openmetrics::OPENMETRICS_START_UNIX_S;
pub use recorder::{CounterId, GaugeId, HistogramId, Recorder};
pub use series::{SeriesKind, TimeSeries};
