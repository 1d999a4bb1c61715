//! The HPA in the loop: traffic steps from 200 to 2,000 requests/s and back.
//! Replicas must rise within the default scale-up policy (max of +100 % and
//! +4 pods per 15 s), latency must recover once the new pods are ready, and
//! replicas must fall only after the 300 s scale-down stabilization window.

use std::ops::ControlFlow;

use sim_core::record::TimeSeries;
use sim_core::{SimDuration, SimTime};
use sim_models::report::RunReport;
use sim_models::run::run_scenario;
use sim_models::scenario::{Format, ScenarioConfig};
use sim_models::world::World;

const STEP_UP: u64 = 10 * 60;
const STEP_DOWN: u64 = 30 * 60;

/// Production defaults (8 slots, ≈ 44 ms mean work, 70 % CPU target,
/// 4 pods per node, 90 s to provision a node), one region, no errors.
const SCENARIO: &str = r#"
name: hpa-step
profile: production
duration: 50m
workload:
  regions:
    - name: us-east-1
      rps: 200
      spikes: [ { at: 10m, duration: 20m, multiplier: 10 } ]
fleet:
  regions: [ { name: us-east-1, instances: 2 } ]
  versions: [ { name: v1, service_median: 20ms, service_p99: 200ms } ]
  version: v1
  autoscaling: { min_replicas: 2, max_replicas: 30 }
"#;

fn run() -> (RunReport, World) {
    let sc = ScenarioConfig::from_text(SCENARIO, Format::Yaml).expect("scenario loads");
    run_scenario(&sc, 7, |_| ControlFlow::Continue(())).expect("runs")
}

fn secs(t: SimTime) -> u64 {
    t.as_secs_f64() as u64
}

fn series<'a>(w: &'a World, name: &str, label: Option<(&str, &str)>) -> Vec<&'a TimeSeries> {
    w.recorder()
        .series()
        .filter(|s| s.key().name == name)
        .filter(|s| label.is_none_or(|(k, v)| s.key().label(k) == Some(v)))
        .collect()
}

/// Values of a gauge sampled in `[from, to)` seconds.
fn gauge_in(s: &TimeSeries, from: u64, to: u64) -> Vec<f64> {
    s.points()
        .filter(|(t, _)| (from..to).contains(&secs(*t)))
        .map(|(_, v)| v)
        .collect()
}

/// How much a set of counters grew between the samples at `from` and `to` seconds.
fn growth(counters: &[&TimeSeries], from: u64, to: u64) -> f64 {
    let at = |s: &TimeSeries, t: u64| {
        s.points()
            .take_while(|(x, _)| secs(*x) <= t)
            .last()
            .map_or(0.0, |(_, v)| v)
    };
    counters.iter().map(|s| at(s, to) - at(s, from)).sum()
}

#[test]
fn replicas_follow_a_traffic_step_within_the_documented_rules() {
    let (report, world) = run();
    assert!(report.conservation.holds);
    let actions = world.scaling_actions();
    assert!(!actions.is_empty(), "the HPA never acted");

    // Up: each sync at most max(2×, +4) over the count it started from, and
    // syncs (hence actions) at least a sync period apart.
    let ups: Vec<_> = actions.iter().filter(|a| a.to > a.from).collect();
    assert!(ups.len() >= 2, "expected a staircase of scale-ups: {ups:?}");
    for a in &ups {
        assert!(
            a.to <= (2 * a.from).max(a.from + 4),
            "scale-up beyond the default policy: {a:?}"
        );
        assert!(secs(a.time) >= STEP_UP, "scaled up before the step: {a:?}");
    }
    for pair in actions.windows(2) {
        assert!(pair[1].time - pair[0].time >= SimDuration::from_secs(15));
    }
    // 2,000 req/s × ≈ 44 ms ÷ 8 slots ÷ 70 % ≈ 16 pods.
    let peak = report.replicas[0].peak;
    assert!((14..=20).contains(&peak), "peak replicas {peak}");
    assert!(
        report.replicas[0].pending.pods > 0,
        "the step should outgrow the 3 initial nodes"
    );

    // Latency: p99 in the last five minutes of the step is back near normal.
    let p99 = series(
        &world,
        "request_duration_window_seconds",
        Some(("quantile", "0.99")),
    )[0];
    let early = gauge_in(p99, STEP_UP, STEP_UP + 120);
    let late = gauge_in(p99, STEP_DOWN - 300, STEP_DOWN);
    let early_max = early.iter().copied().fold(0.0, f64::max);
    let late_max = late.iter().copied().fold(0.0, f64::max);
    assert!(
        late_max < 0.5,
        "p99 did not recover: {late_max:.3} s late in the step"
    );
    assert!(
        early_max > 2.0 * late_max,
        "the step should hurt before scaling catches up: {early_max:.3} vs {late_max:.3}"
    );
    let unhappy: Vec<_> = ["failed", "timed_out", "rejected"]
        .iter()
        .flat_map(|o| series(&world, "requests_total", Some(("outcome", o))))
        .collect();
    assert!(growth(&unhappy, STEP_UP, STEP_UP + 180) > 0.0);
    assert_eq!(
        growth(&unhappy, STEP_DOWN - 300, STEP_DOWN),
        0.0,
        "requests failed after scaling caught up"
    );

    // Down: nothing before the stabilization window has passed, then back
    // to what 200 req/s needs (2 pods).
    let downs: Vec<_> = actions
        .iter()
        .filter(|a| a.to < a.from && secs(a.time) >= STEP_UP)
        .collect();
    let first_down = downs.first().expect("replicas never fell after the step");
    assert!(
        secs(first_down.time) >= STEP_DOWN + 300,
        "scaled down {} s after traffic dropped, inside the 300 s window",
        secs(first_down.time) - STEP_DOWN
    );
    assert!(report.replicas[0].last <= 3, "{:?}", report.replicas[0]);
}

/// A requests-per-second target: 300 req/s at 50 per pod needs exactly 6
/// pods, which the first sync reaches from 2 (the +4 pods policy allows it)
/// and no later sync leaves, the ratio staying within tolerance.
#[test]
fn requests_per_second_target_settles_at_rate_over_target() {
    let text = SCENARIO
        .replace("rps: 200", "rps: 300")
        .replace(
            "      spikes: [ { at: 10m, duration: 20m, multiplier: 10 } ]\n",
            "",
        )
        .replace("duration: 50m", "duration: 10m")
        .replace(
            "autoscaling: { min_replicas: 2, max_replicas: 30 }",
            "autoscaling: { min_replicas: 1, max_replicas: 30, \
             target: { kind: requests_per_second, average_value: 50 } }",
        );
    let sc = ScenarioConfig::from_text(&text, Format::Yaml).expect("scenario loads");
    let (report, world) = run_scenario(&sc, 3, |_| ControlFlow::Continue(())).expect("runs");
    let actions = world.scaling_actions();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!((actions[0].from, actions[0].to), (2, 6));
    assert_eq!(secs(actions[0].time), 15);
    assert_eq!(report.replicas[0].last, 6);
}
