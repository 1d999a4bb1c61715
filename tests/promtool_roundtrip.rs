//! OpenMetrics export round trip through Prometheus' own tools: a recorder's
//! output goes through `promtool tsdb create-blocks-from openmetrics` into TSDB
//! blocks, `promtool tsdb dump` reads them back, and every sample must come out
//! with the value and millisecond timestamp it went in with.
//!
//! Needs `promtool` on `PATH` (`.ci/install-prometheus.sh` installs it). Without
//! it the test fails when the `CI` environment variable is set, and otherwise
//! prints a notice and passes, so developers without Prometheus can still run
//! the suite.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::ops::ControlFlow;

use sim_core::record::{OPENMETRICS_START_UNIX_S, Recorder};
use sim_core::{SimDuration, SimTime};
use sim_models::run::run_scenario;
use sim_models::scenario::{Profile, ScenarioConfig};

/// A sample as `promtool tsdb dump` prints it: Prometheus-style labels with
/// `__name__` first, and the Unix time in milliseconds.
type Samples = BTreeMap<(String, i64), f64>;

const START: i64 = OPENMETRICS_START_UNIX_S;

#[test]
fn promtool_reads_back_every_sample() {
    let Some(version) = promtool_version() else {
        return;
    };
    let rec = recorder();
    let dumped = round_trip("every_sample", &rec, &version);

    // A known point, spelled out: the counter after 45 one-minute scrapes,
    // and the gauge at the sub-second scrape past three hours.
    let eu = r#"{__name__="requests_total", code="200", region="eu"}"#;
    assert_eq!(dumped[&(eu.to_owned(), START * 1000 + 45 * 60_000)], 450.0);
    let ready = r#"{__name__="instances_ready", pool="web"}"#;
    let late_ms = START * 1000 + 3 * 3_600_000 + 250;
    assert_eq!(
        dumped[&(ready.to_owned(), late_ms)],
        9.0,
        "later of two samples in one ms"
    );
    // Escaped label values survive (promtool prints them Go-quoted).
    let odd = r#"{__name__="probe_up", target="a \"b\"\\\nc"}"#;
    assert_eq!(dumped[&(odd.to_owned(), START * 1000)], 1.0);
    // The latency summary, stamped at the last scrape.
    let count = r#"{__name__="latency_seconds_count", path="/api"}"#;
    assert_eq!(dumped[&(count.to_owned(), late_ms)], 3.0);
    let max = r#"{__name__="latency_seconds", path="/api", quantile="1.0"}"#;
    assert_eq!(dumped[&(max.to_owned(), late_ms)], 0.25);

    // And everything else: exactly the recorder's counter and gauge points.
    let expected = expected_scalars(&rec);
    let scalars: Samples = dumped
        .into_iter()
        .filter(|((labels, _), _)| !labels.contains("latency_seconds"))
        .collect();
    assert_eq!(scalars.len(), expected.len(), "{version}: sample count");
    for (key, want) in &expected {
        let got = scalars
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} missing"));
        assert_eq!(got.to_bits(), want.to_bits(), "{key:?}");
    }
}

/// A run's own output: the production scenario for five minutes, whose every
/// scraped point must read back, and a known series with its known value.
#[test]
fn promtool_reads_back_a_runs_metrics() {
    let Some(version) = promtool_version() else {
        return;
    };
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_mins(5);
    let (report, world) = run_scenario(&sc, 1, |_| ControlFlow::Continue(())).unwrap();
    let rec = world.recorder();
    let dumped = round_trip("run", rec, &version);

    // Succeeded requests at the last scrape (5 min) against the report's total
    // less what finished after that scrape: the counter is the report's source.
    let succeeded =
        r#"{__name__="requests_total", outcome="succeeded", region="us-east-1", version="v1.4.2"}"#;
    let at_end = dumped[&(succeeded.to_owned(), START * 1000 + 300_000)];
    assert!(at_end > 0.0 && at_end <= report.overall.succeeded as f64);
    // Ready replicas a minute in, as the world saw them.
    let ready = rec
        .series()
        .find(|s| s.key().name == "instances_ready")
        .unwrap();
    let (t, v) = ready.points().nth(4).unwrap();
    assert_eq!(t, SimTime::ZERO + SimDuration::from_secs(60));
    let key = r#"{__name__="instances_ready", region="us-east-1"}"#;
    assert_eq!(dumped[&(key.to_owned(), START * 1000 + 60_000)], v);

    let expected = expected_scalars(rec);
    let scalars: Samples = dumped
        .into_iter()
        .filter(|(key, _)| expected.contains_key(key))
        .collect();
    assert_eq!(scalars.len(), expected.len(), "{version}: sample count");
    for (key, want) in &expected {
        assert_eq!(scalars[key].to_bits(), want.to_bits(), "{key:?}");
    }
}

/// Writes `rec` as OpenMetrics, turns it into TSDB blocks with promtool and
/// dumps them back.
fn round_trip(name: &str, rec: &Recorder, version: &str) -> Samples {
    let dir = scratch_dir(name);
    let file = dir.join("metrics.om");
    let db = dir.join("data");
    let mut text = Vec::new();
    rec.write_openmetrics(&mut text, START).unwrap();
    std::fs::write(&file, &text).unwrap();

    let out = promtool(&[
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        path(&file),
        path(&db),
    ]);
    assert!(
        out.status.success(),
        "{version}: create-blocks-from rejected the export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Older promtool (2.42) cannot open a block directory without a WAL.
    std::fs::create_dir_all(db.join("wal")).unwrap();
    let out = promtool(&["tsdb", "dump", path(&db)]);
    assert!(
        out.status.success(),
        "{version}: tsdb dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dumped = parse_dump(&String::from_utf8(out.stdout).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
    dumped
}

/// Three hours of one-minute scrapes (two TSDB blocks), then two scrapes
/// inside one millisecond, and a latency histogram.
fn recorder() -> Recorder {
    let mut rec = Recorder::new();
    let eu = rec.counter("requests_total", &[("region", "eu"), ("code", "200")]);
    let us = rec.counter("requests_total", &[("region", "us"), ("code", "500")]);
    let ready = rec.gauge("instances_ready", &[("pool", "web")]);
    let probe = rec.gauge("probe_up", &[("target", "a \"b\"\\\nc")]);
    let ratio = rec.gauge("error_ratio", &[]);
    let latency = rec.histogram("latency_seconds", &[("path", "/api")]);
    rec.set(probe, 1.0);
    for minute in 0..=180u64 {
        rec.set(ready, (minute % 7) as f64);
        rec.set(ratio, minute as f64 / 3.0);
        rec.sample(SimTime::from_nanos(minute * 60_000_000_000));
        rec.add(eu, 10.0);
        rec.add(us, 0.5);
    }
    let three_hours = 3 * 3_600_000_000_000;
    rec.set(ready, 8.0);
    rec.sample(SimTime::from_nanos(three_hours + 250_400_000));
    rec.set(ready, 9.0);
    rec.sample(SimTime::from_nanos(three_hours + 250_800_000));
    for ms in [10, 20, 250] {
        rec.record(latency, SimDuration::from_millis(ms));
    }
    rec
}

/// Every counter and gauge point as promtool should print it.
fn expected_scalars(rec: &Recorder) -> Samples {
    let mut samples = Samples::new();
    for series in rec.series() {
        let key = series.key();
        let name = match series.kind() {
            sim_core::record::SeriesKind::Counter => {
                format!("{}_total", key.name.trim_end_matches("_total"))
            }
            sim_core::record::SeriesKind::Gauge => key.name.clone(),
        };
        let mut labels = format!("{{__name__={}", go_quote(&name));
        for (k, v) in &key.labels {
            labels.push_str(&format!(", {k}={}", go_quote(v)));
        }
        labels.push('}');
        for (t, v) in series.points() {
            let ms = START * 1000 + i64::try_from(t.as_nanos() / 1_000_000).unwrap();
            // Later samples in the same millisecond replace earlier ones.
            samples.insert((labels.clone(), ms), v);
        }
    }
    samples
}

/// Go's `strconv.Quote` for the characters these tests use.
fn go_quote(s: &str) -> String {
    let escaped = s
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n");
    format!("\"{escaped}\"")
}

/// Lines of `{labels} value unix_ms`.
fn parse_dump(text: &str) -> Samples {
    text.lines()
        .map(|line| {
            let mut parts = line.rsplitn(3, ' ');
            let ms = parts.next().unwrap().parse().unwrap();
            let value = parts.next().unwrap().parse().unwrap();
            let labels = parts.next().unwrap().to_owned();
            ((labels, ms), value)
        })
        .collect()
}

/// promtool's version line, or `None` (after a notice) if it is not installed
/// outside CI. Under CI (`CI` set) a missing promtool fails the test.
fn promtool_version() -> Option<String> {
    match Command::new("promtool").arg("--version").output() {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            Some(text.lines().next().unwrap_or("promtool").to_owned())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let hint = "promtool is not installed; run .ci/install-prometheus.sh";
            assert!(std::env::var_os("CI").is_none(), "{hint}");
            eprintln!("skipping the promtool round trip: {hint}");
            None
        }
        Err(e) => panic!("could not run promtool: {e}"),
    }
}

fn promtool(args: &[&str]) -> Output {
    Command::new("promtool").args(args).output().unwrap()
}

/// A fresh directory under Cargo's scratch space for integration tests.
/// An empty directory of its own for each test (they run in parallel).
fn scratch_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("promtool_roundtrip_{test}"));
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != ErrorKind::NotFound => panic!("{}: {e}", dir.display()),
        _ => {}
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("the scratch path is UTF-8")
}
