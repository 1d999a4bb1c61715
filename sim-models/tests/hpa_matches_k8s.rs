//! The HPA model against the Kubernetes documentation, "Horizontal Pod
//! Autoscaling" (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/):
//! the formula, tolerance, missing metrics, not-ready pods, stabilization,
//! scaling policies and `selectPolicy`, with the page's worked examples.

use sim_core::{SimDuration, SimTime};
use sim_models::autoscale::{
    BehaviorConfig, Decision, Hpa, HpaConfig, MetricTarget, PodSample, Reason, ScalingPolicy,
    ScalingRulesConfig, SelectPolicy,
};

/// Syncs start an hour in, long after the pods' CPU initialization period.
fn at(secs: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours(1) + SimDuration::from_secs(secs)
}

fn secs(s: u64) -> SimDuration {
    SimDuration::from_secs(s)
}

/// A pod ready since the start of the run.
fn ready(metric: f64) -> PodSample {
    PodSample::ready(SimTime::ZERO, SimTime::ZERO, Some(metric))
}

fn ready_pods(n: u32, metric: f64) -> Vec<PodSample> {
    vec![ready(metric); n as usize]
}

fn rps(target: f64) -> MetricTarget {
    MetricTarget::RequestsPerSecond {
        average_value: target,
    }
}

fn cpu(percent: f64) -> MetricTarget {
    MetricTarget::CpuUtilization {
        average_utilization_percent: percent,
    }
}

fn hpa(config: HpaConfig) -> Hpa {
    Hpa::new(&config).unwrap()
}

fn with(target: MetricTarget, min: u32, max: u32) -> HpaConfig {
    HpaConfig {
        min_replicas: min,
        max_replicas: max,
        target,
        ..HpaConfig::default()
    }
}

/// Drives the HPA every 15 s from `current`, pods all at `metric`, applying
/// each decision; returns the replica count after each sync.
fn run(hpa: &mut Hpa, mut current: u32, metric: f64, syncs: u64) -> Vec<u32> {
    (0..syncs)
        .map(|i| {
            let d = hpa.sync(at(15 * i), current, &ready_pods(current, metric));
            current = d.desired_replicas;
            current
        })
        .collect()
}

#[test]
fn doc_example_200m_against_100m_doubles_and_50m_halves() {
    // "if the current metric value is 200m, and the desired value is 100m,
    // the number of replicas will be doubled, since 200.0 / 100.0 == 2.0"
    let mut h = hpa(with(rps(100.0), 1, 10));
    let d = h.sync(at(0), 1, &[ready(200.0)]);
    assert_eq!((d.recommendation, d.desired_replicas), (2, 2));
    assert_eq!(d.usage_ratio, Some(2.0));
    assert_eq!(d.reason, Reason::DesiredWithinRange);

    // "If the current value is instead 50m, you'll halve the number of
    // replicas, since 50.0 / 100.0 == 0.5"
    let mut h = hpa(with(rps(100.0), 1, 10));
    let d = h.sync(at(0), 4, &ready_pods(4, 50.0));
    assert_eq!((d.recommendation, d.desired_replicas), (2, 2));
}

#[test]
fn doc_example_ratio_close_to_one_is_skipped() {
    // "The control plane skips any scaling action if the ratio is
    // sufficiently close to 1.0 (within a globally-configurable tolerance,
    // 0.1 by default)."
    let mut h = hpa(with(rps(100.0), 1, 10));
    let d = h.sync(at(0), 4, &ready_pods(4, 105.0));
    assert_eq!((d.desired_replicas, d.reason), (4, Reason::WithinTolerance));
    let d = h.sync(at(15), 4, &ready_pods(4, 95.0));
    assert_eq!((d.desired_replicas, d.reason), (4, Reason::WithinTolerance));
    // Just outside: 1.15 → ceil(4 × 1.15) = 5.
    let d = h.sync(at(30), 4, &ready_pods(4, 115.0));
    assert_eq!(d.desired_replicas, 5);
    // A tolerance of 0 acts on 1.05 as well.
    let mut h = hpa(HpaConfig {
        tolerance: 0.0,
        ..with(rps(100.0), 1, 10)
    });
    assert_eq!(h.sync(at(0), 4, &ready_pods(4, 105.0)).desired_replicas, 5);
}

#[test]
fn blog_example_fifty_replicas_at_90_percent_against_75() {
    // kubernetes.io blog "Kubernetes v1.33: HPA Configurable Tolerance":
    // 50 replicas at 90 % CPU, target 75 % → 50 × (90/75) = 60.
    let mut h = hpa(with(cpu(75.0), 1, 100));
    let d = h.sync(at(0), 50, &ready_pods(50, 90.0));
    assert_eq!(d.desired_replicas, 60);
}

#[test]
fn default_scale_up_is_max_of_doubling_and_four_pods_per_15s() {
    // Default behavior: "There are 2 policies where 4 pods or a 100% of the
    // currently running replicas will be added every 15 seconds till the HPA
    // reaches its steady state."
    let mut h = hpa(with(rps(1.0), 1, 100));
    let counts = run(&mut h, 1, 1000.0, 7);
    assert_eq!(counts, [5, 10, 20, 40, 80, 100, 100]);

    // Within one period the rate is spent: a second sync 5 s later adds nothing.
    let mut h = hpa(with(rps(1.0), 1, 100));
    assert_eq!(h.sync(at(0), 1, &[ready(1000.0)]).desired_replicas, 5);
    let d = h.sync(at(5), 5, &ready_pods(5, 1000.0));
    assert_eq!(
        (d.desired_replicas, d.reason),
        (5, Reason::ScaleUpLimitedByPolicy)
    );
    assert_eq!(d.recommendation, 5000);
}

#[test]
fn doc_example_80_to_10_with_pods_4_and_percent_10_per_minute() {
    // "if there are 80 replicas and the target has to be scaled down to 10
    // replicas then during the first step 8 replicas will be reduced. In the
    // next iteration when the number of replicas is 72, 10% of the pods is
    // 7.2 but the number is rounded up to 8. [...] When the number of
    // replicas falls below 40 the first policy (Pods) is applied and 4
    // replicas will be reduced at a time."
    let behavior = BehaviorConfig {
        scale_down: ScalingRulesConfig {
            policies: Some(vec![
                ScalingPolicy::pods(4, secs(60)),
                ScalingPolicy::percent(10, secs(60)),
            ]),
            ..ScalingRulesConfig::default()
        },
        ..BehaviorConfig::default()
    };
    let mut h = hpa(HpaConfig {
        behavior,
        ..with(rps(100.0), 10, 100)
    });
    // No load: every recommendation is 0, so the window holds nothing back.
    let counts = run(&mut h, 80, 0.0, 4 * 15);
    let per_minute: Vec<u32> = counts.iter().step_by(4).copied().collect();
    assert_eq!(
        per_minute,
        [72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10, 10]
    );
    // Between the minute marks the count holds.
    assert_eq!(&counts[..5], [72, 72, 72, 72, 64]);
}

#[test]
fn scale_down_window_keeps_the_highest_recommendation_of_five_minutes() {
    // "When the metrics indicate that the target should be scaled down the
    // algorithm looks into previously computed desired states, and uses the
    // highest value from the specified interval. [...] all desired states
    // from the past 5 minutes will be considered."
    let mut h = hpa(with(rps(100.0), 1, 20));
    let raw = |t: u64| 10u32.saturating_sub((t / 15) as u32).max(2);
    let mut current = 10;
    for i in 0..40u64 {
        let t = 15 * i;
        let d = h.sync_recommendation(at(t), current, raw(t));
        let expected = if t < 285 { 10 } else { raw(t - 285) };
        assert_eq!(d.desired_replicas, expected, "at {t} s");
        if t > 0 && t < 285 {
            assert_eq!(d.reason, Reason::ScaleDownStabilized);
        }
        current = d.desired_replicas;
    }
    assert_eq!(current, 2);
}

#[test]
fn flapping_load_does_not_flap_the_replicas() {
    // Load alternating between 2× and 0.5× target every sync: the count goes
    // up and then stays, since every 5-minute window holds a high recommendation.
    let mut h = hpa(with(rps(100.0), 1, 50));
    let mut current = 4;
    let mut seen = Vec::new();
    for i in 0..40u64 {
        let metric = if i % 2 == 0 { 200.0 } else { 50.0 };
        current = h
            .sync(at(15 * i), current, &ready_pods(current, metric))
            .desired_replicas;
        seen.push(current);
    }
    assert!(seen.windows(2).all(|w| w[1] >= w[0]), "{seen:?}");
}

#[test]
fn custom_scale_down_policy_one_pod_per_minute() {
    let behavior = BehaviorConfig {
        scale_down: ScalingRulesConfig {
            stabilization_window: Some(SimDuration::ZERO),
            policies: Some(vec![ScalingPolicy::pods(1, secs(60))]),
            ..ScalingRulesConfig::default()
        },
        ..BehaviorConfig::default()
    };
    let mut h = hpa(HpaConfig {
        behavior,
        ..with(rps(100.0), 1, 10)
    });
    let counts = run(&mut h, 10, 10.0, 9);
    assert_eq!(counts, [9, 9, 9, 9, 8, 8, 8, 8, 7]);
}

fn scale_down_rules(select: SelectPolicy) -> HpaConfig {
    // The docs' "limit scale down rate" example: 10 % and 5 pods per minute.
    HpaConfig {
        behavior: BehaviorConfig {
            scale_down: ScalingRulesConfig {
                stabilization_window: Some(SimDuration::ZERO),
                select_policy: Some(select),
                policies: Some(vec![
                    ScalingPolicy::percent(10, secs(60)),
                    ScalingPolicy::pods(5, secs(60)),
                ]),
            },
            ..BehaviorConfig::default()
        },
        ..with(rps(100.0), 1, 200)
    }
}

#[test]
fn select_policy_min_takes_the_smaller_change() {
    // "Setting selectPolicy to Min means that the autoscaler chooses the
    // policy that affects the smallest number of Pods": no more than 5 Pods
    // removed per minute.
    let d = hpa(scale_down_rules(SelectPolicy::Min)).sync_recommendation(at(0), 100, 1);
    assert_eq!(d.desired_replicas, 95); // 10 % would remove 10
    let d = hpa(scale_down_rules(SelectPolicy::Min)).sync_recommendation(at(0), 30, 1);
    assert_eq!(d.desired_replicas, 27); // 5 pods would remove 5
    // Max (the default) takes the larger change.
    let d = hpa(scale_down_rules(SelectPolicy::Max)).sync_recommendation(at(0), 100, 1);
    assert_eq!(d.desired_replicas, 90);
    let d = hpa(scale_down_rules(SelectPolicy::Max)).sync_recommendation(at(0), 30, 1);
    assert_eq!(d.desired_replicas, 25);
    assert_eq!(d.reason, Reason::ScaleDownLimitedByPolicy);

    // Scale-up with the default policies and Min: +4 pods beats +100 % from 10.
    let mut cfg = with(rps(100.0), 1, 200);
    cfg.behavior.scale_up.select_policy = Some(SelectPolicy::Min);
    let d = hpa(cfg).sync_recommendation(at(0), 10, 100);
    assert_eq!(d.desired_replicas, 14);
}

#[test]
fn disabled_direction_never_moves() {
    // "The selectPolicy value of Disabled turns off scaling the given direction."
    let mut cfg = with(rps(100.0), 1, 20);
    cfg.behavior.scale_down.select_policy = Some(SelectPolicy::Disabled);
    let mut h = hpa(cfg);
    let d = h.sync(at(0), 10, &ready_pods(10, 10.0));
    assert_eq!(
        (d.desired_replicas, d.reason),
        (10, Reason::ScaleDownDisabled)
    );
    let d = h.sync(at(600), 10, &ready_pods(10, 10.0));
    assert_eq!(d.desired_replicas, 10);
    // Scaling up still works.
    let d = h.sync(at(615), 10, &ready_pods(10, 150.0));
    assert_eq!(d.desired_replicas, 15);

    let mut cfg = with(rps(100.0), 1, 20);
    cfg.behavior.scale_up.select_policy = Some(SelectPolicy::Disabled);
    let d = hpa(cfg).sync(at(0), 2, &ready_pods(2, 500.0));
    assert_eq!((d.desired_replicas, d.reason), (2, Reason::ScaleUpDisabled));
}

#[test]
fn missing_metrics_count_as_zero_on_scale_up() {
    // "assuming those pods were consuming 100% of the desired value in case
    // of a scale down, and 0% in case of a scale up"
    let mut pods = ready_pods(3, 300.0);
    pods.push(ready(0.0));
    pods[3].metric = None;
    let d = hpa(with(rps(100.0), 1, 20)).sync(at(0), 4, &pods);
    // The naive ceil(4 × 3.0) would be 12; with the missing pod at 0 %:
    // ratio 900 / 4 / 100 = 2.25 → ceil(2.25 × 4) = 9 (then the default
    // rate, max(4 × 2, 4 + 4), allows 8).
    assert_eq!((d.recommendation, d.desired_replicas), (9, 8));
    assert_eq!(d.usage_ratio, Some(3.0)); // the reported ratio ignores the missing pod

    // Two at 2× and two missing: (400 + 0) / 4 = 100 % → within tolerance.
    let mut pods = ready_pods(4, 200.0);
    pods[2].metric = None;
    pods[3].metric = None;
    let d = hpa(with(rps(100.0), 1, 20)).sync(at(0), 4, &pods);
    assert_eq!(
        (d.desired_replicas, d.reason),
        (4, Reason::DampenedByMissingOrNotReady)
    );
}

#[test]
fn missing_metrics_count_as_target_on_scale_down() {
    let mut pods = ready_pods(4, 20.0);
    pods[2].metric = None;
    pods[3].metric = None;
    let d = hpa(with(rps(100.0), 1, 20)).sync(at(0), 4, &pods);
    // (20 + 20 + 100 + 100) / 4 / 100 = 0.6 → ceil(0.6 × 4) = 3, not ceil(0.2 × 4) = 1.
    assert_eq!(d.desired_replicas, 3);

    // Two at 80 % and two missing: 0.9 is within tolerance → no scale-down.
    let mut pods = ready_pods(4, 80.0);
    pods[2].metric = None;
    pods[3].metric = None;
    let d = hpa(with(rps(100.0), 1, 20)).sync(at(0), 4, &pods);
    assert_eq!(
        (d.desired_replicas, d.reason),
        (4, Reason::DampenedByMissingOrNotReady)
    );
}

#[test]
fn not_ready_pods_are_set_aside_for_cpu_scale_up() {
    // "if any not-yet-ready pods were present, and the workload would have
    // scaled up without factoring in missing metrics or not-yet-ready pods,
    // the controller conservatively assumes that the not-yet-ready pods are
    // consuming 0% of the desired metric"
    let now = at(60);
    let booting = PodSample::starting(at(40), Some(400.0)); // start-up CPU spike
    let pods = [ready(300.0), ready(300.0), booting, booting];
    let d = hpa(with(cpu(100.0), 1, 20)).sync(now, 4, &pods);
    // Ready pods: ratio 3.0; with the booting pods at 0 %: 600 / 4 = 1.5 → 6.
    // Counting the spike would give ceil(4 × 3.5) = 14.
    assert_eq!((d.recommendation, d.desired_replicas), (6, 6));

    // Ready pods at 150 %: with the booting pods at 0 % the ratio is 0.75,
    // the other direction, so nothing happens (and the pods do not scale it down).
    let pods = [ready(150.0), ready(150.0), booting, booting];
    let d = hpa(with(cpu(100.0), 1, 20)).sync(now, 4, &pods);
    assert_eq!(
        (d.desired_replicas, d.reason),
        (4, Reason::DampenedByMissingOrNotReady)
    );

    // The readiness rule is CPU-only: a requests-per-second metric counts them.
    let pods = [ready(300.0), ready(300.0), booting, booting];
    let d = hpa(with(rps(100.0), 1, 20)).sync(now, 4, &pods);
    assert_eq!(d.recommendation, 14);
    // ... and the default scale-up rate allows max(4 × 2, 4 + 4) = 8.
    assert_eq!(
        (d.desired_replicas, d.reason),
        (8, Reason::ScaleUpLimitedByPolicy)
    );
}

#[test]
fn cpu_initialization_period_sets_aside_fresh_samples() {
    // A pod that became ready 10 s ago: its 15 s sample began before it was
    // ready, so within the 5 min initialization period it is set aside.
    let now = at(60);
    let fresh = PodSample::ready(at(0), at(50), Some(400.0));
    let d = hpa(with(cpu(100.0), 1, 20)).sync(now, 2, &[ready(100.0), fresh]);
    assert_eq!((d.desired_replicas, d.reason), (2, Reason::WithinTolerance));
    // Ready for 60 s: counted. (100 + 400) / 2 = 250 % → ceil(2 × 2.5) = 5.
    let settled = PodSample::ready(at(0), at(0), Some(400.0));
    let d = hpa(with(cpu(100.0), 1, 20)).sync(now, 2, &[ready(100.0), settled]);
    assert_eq!(d.desired_replicas, 5);
}

#[test]
fn recommendations_are_clamped_to_min_and_max() {
    let mut h = hpa(with(rps(100.0), 1, 5));
    let d = h.sync(at(0), 4, &ready_pods(4, 1000.0));
    assert_eq!((d.desired_replicas, d.reason), (5, Reason::TooManyReplicas));

    let mut h = hpa(with(rps(100.0), 3, 10));
    let d = h.sync(at(0), 6, &ready_pods(6, 1.0));
    assert_eq!((d.desired_replicas, d.reason), (3, Reason::TooFewReplicas));
}

#[test]
fn same_inputs_give_the_same_decisions_with_bounded_history() {
    let trace = || {
        let mut h = hpa(with(cpu(60.0), 2, 40));
        let mut current = 2;
        let mut out: Vec<Decision> = Vec::new();
        for i in 0..2_000u64 {
            let load = 30.0 + 90.0 * ((i % 97) as f64 / 97.0);
            let d = h.sync(
                at(15 * i),
                current,
                &ready_pods(current, load * 4.0 / current as f64),
            );
            current = d.desired_replicas;
            out.push(d);
            let (recs, up, down) = h.history_len();
            assert!(recs <= 20 && up <= 1 && down <= 1, "{recs} {up} {down}");
        }
        out
    };
    let a = trace();
    assert_eq!(a, trace());
    assert!(a.iter().any(|d| d.desired_replicas > d.current_replicas));
    assert!(a.iter().any(|d| d.desired_replicas < d.current_replicas));
}
