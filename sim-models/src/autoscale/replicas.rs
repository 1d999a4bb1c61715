//! The metric step of one sync: from per-pod samples to a raw replica
//! recommendation, before stabilization and rate limits.
//!
//! Pods fall into three groups, as the controller's replica calculator sorts
//! them: *set aside as not yet ready* (pending pods; for CPU also pods still
//! starting up), *missing* (no sample), and *counted*. The ratio of the
//! counted pods' mean to the target decides the direction; missing and
//! not-ready pods then only dampen the change, never reverse it.

use sim_core::{SimDuration, SimTime};

use super::config::MetricTarget;

/// One pod as the HPA sees it at a sync. Terminating and failed pods are
/// ignored by Kubernetes, so the caller leaves them out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodSample {
    /// When the pod's containers started; `None` while it is still pending.
    pub started_at: Option<SimTime>,
    /// Whether the pod's `Ready` condition is true now.
    pub ready: bool,
    /// When the `Ready` condition last changed; `None` if it has none yet.
    pub readiness_changed_at: Option<SimTime>,
    /// The pod's metric (CPU percent of request, or requests per second),
    /// averaged over the window ending at the sync; `None` when missing.
    pub metric: Option<f64>,
}

impl PodSample {
    /// A pod that started at `started_at`, became ready at `ready_at`, and reports `metric`.
    pub fn ready(started_at: SimTime, ready_at: SimTime, metric: Option<f64>) -> Self {
        PodSample {
            started_at: Some(started_at),
            ready: true,
            readiness_changed_at: Some(ready_at),
            metric,
        }
    }

    /// A pod running since `started_at` that has not become ready yet.
    pub fn starting(started_at: SimTime, metric: Option<f64>) -> Self {
        PodSample {
            started_at: Some(started_at),
            ready: false,
            readiness_changed_at: Some(started_at),
            metric,
        }
    }

    /// A pod not yet started (scheduling, pulling its image).
    pub fn pending() -> Self {
        PodSample {
            started_at: None,
            ready: false,
            readiness_changed_at: None,
            metric: None,
        }
    }
}

/// The CPU readiness timings (the controller-manager flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadinessTimings {
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`.
    pub cpu_initialization_period: SimDuration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`.
    pub initial_readiness_delay: SimDuration,
    /// The span a sample averages over, ending at the sync.
    pub metric_window: SimDuration,
}

/// Why the metric step kept the current replica count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    /// `|ratio − 1| ≤ tolerance`.
    WithinTolerance,
    /// Counting missing and not-ready pods reversed the direction or brought
    /// the ratio within tolerance.
    Dampened,
    /// No pod had a usable sample; Kubernetes skips the sync.
    NoMetrics,
}

/// The metric step's result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricRecommendation {
    /// The raw recommended replica count (the current count when held).
    pub replicas: u32,
    /// The counted pods' mean (what `kubectl get hpa` shows); `None` without metrics.
    pub metric_value: Option<f64>,
    /// `metric_value / target`, the ratio that chose the direction.
    pub usage_ratio: Option<f64>,
    /// Set when the current count was kept on purpose.
    pub hold: Option<Hold>,
    /// Pods counted, missing, and set aside as not yet ready.
    pub pods: PodCounts,
}

/// How the pods were grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodCounts {
    /// Pods whose samples form the ratio.
    pub counted: u32,
    /// Pods without a sample.
    pub missing: u32,
    /// Pods set aside as not yet ready.
    pub not_ready: u32,
}

enum Group {
    Counted(f64),
    Missing,
    NotReady,
}

/// Sorts a pod the way the controller's `groupPods` does.
fn group(pod: &PodSample, cpu: bool, now: SimTime, t: &ReadinessTimings) -> Group {
    let Some(started_at) = pod.started_at else {
        return Group::NotReady; // pending pods are always set aside
    };
    let Some(metric) = pod.metric else {
        return Group::Missing;
    };
    if cpu {
        let not_ready = match pod.readiness_changed_at {
            None => true,
            Some(changed) if now < started_at + t.cpu_initialization_period => {
                // Still initialising: unready, or the sample's window began
                // before the pod became ready.
                !pod.ready || now < changed + t.metric_window
            }
            // Past initialisation: only a pod that has never been ready.
            Some(changed) => !pod.ready && changed < started_at + t.initial_readiness_delay,
        };
        if not_ready {
            return Group::NotReady;
        }
    }
    Group::Counted(metric)
}

/// `|ratio − 1| ≤ tolerance`, the controller's test.
fn within(ratio: f64, tolerance: f64) -> bool {
    (1.0 - ratio).abs() <= tolerance
}

/// `ceil(ratio × pods)` as a replica count.
fn ceil_replicas(ratio: f64, pods: usize) -> u32 {
    let r = (ratio * pods as f64).ceil();
    if r <= 0.0 {
        0
    } else if r >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        r as u32
    }
}

/// The raw recommendation for one sync (Kubernetes "Algorithm details").
///
/// 1. Group the pods; the ratio is `mean(counted samples) / target`.
/// 2. Without missing pods, and unless not-ready pods are present on a
///    scale-up: hold within tolerance, else `ceil(ratio × counted pods)`.
/// 3. Otherwise re-average with missing pods at 100 % of target (scale-down)
///    or 0 % (scale-up), and not-ready pods at 0 % on a scale-up; hold if
///    the new ratio is within tolerance or on the other side of 1, else
///    `ceil(new ratio × pods averaged)` unless that reverses the direction.
pub fn recommend(
    target: &MetricTarget,
    tolerance: f64,
    current_replicas: u32,
    pods: &[PodSample],
    now: SimTime,
    timings: &ReadinessTimings,
) -> MetricRecommendation {
    let cpu = target.is_cpu();
    let target_value = target.value();
    let mut counts = PodCounts::default();
    let mut sum = 0.0;
    for pod in pods {
        match group(pod, cpu, now, timings) {
            Group::Counted(v) => {
                counts.counted += 1;
                sum += v;
            }
            Group::Missing => counts.missing += 1,
            Group::NotReady => counts.not_ready += 1,
        }
    }
    let held = |hold, metric_value, usage_ratio| MetricRecommendation {
        replicas: current_replicas,
        metric_value,
        usage_ratio,
        hold: Some(hold),
        pods: counts,
    };
    if counts.counted == 0 {
        return held(Hold::NoMetrics, None, None);
    }
    let counted = counts.counted as usize;
    let mean = sum / counted as f64;
    let ratio = mean / target_value;
    let scale_up_with_not_ready = counts.not_ready > 0 && ratio > 1.0;
    if !scale_up_with_not_ready && counts.missing == 0 {
        if within(ratio, tolerance) {
            return held(Hold::WithinTolerance, Some(mean), Some(ratio));
        }
        return MetricRecommendation {
            replicas: ceil_replicas(ratio, counted),
            metric_value: Some(mean),
            usage_ratio: Some(ratio),
            hold: None,
            pods: counts,
        };
    }

    // Re-average conservatively.
    let mut n = counted;
    let mut new_sum = sum;
    if counts.missing > 0 && ratio != 1.0 {
        n += counts.missing as usize;
        if ratio < 1.0 {
            new_sum += target_value * f64::from(counts.missing);
        }
    }
    if scale_up_with_not_ready {
        n += counts.not_ready as usize; // at 0 %
    }
    let new_ratio = new_sum / n as f64 / target_value;
    if within(new_ratio, tolerance)
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return held(Hold::Dampened, Some(mean), Some(ratio));
    }
    let replicas = ceil_replicas(new_ratio, n);
    if (new_ratio < 1.0 && replicas > current_replicas)
        || (new_ratio > 1.0 && replicas < current_replicas)
    {
        return held(Hold::Dampened, Some(mean), Some(ratio));
    }
    MetricRecommendation {
        replicas,
        metric_value: Some(mean),
        usage_ratio: Some(ratio),
        hold: None,
        pods: counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPU: MetricTarget = MetricTarget::CpuUtilization {
        average_utilization_percent: 100.0,
    };
    const T: ReadinessTimings = ReadinessTimings {
        cpu_initialization_period: SimDuration::from_mins(5),
        initial_readiness_delay: SimDuration::from_secs(30),
        metric_window: SimDuration::from_secs(15),
    };

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn old(metric: Option<f64>) -> PodSample {
        PodSample::ready(SimTime::ZERO, secs(10), metric)
    }

    #[test]
    fn ready_pods_give_ceil_of_ratio_times_pods() {
        let pods = [old(Some(150.0)), old(Some(150.0)), old(Some(150.0))];
        let r = recommend(&CPU, 0.1, 3, &pods, secs(1000), &T);
        assert_eq!(r.replicas, 5); // ceil(3 × 1.5) = ceil(4.5)
        assert_eq!(r.usage_ratio, Some(1.5));
        assert_eq!(r.hold, None);
    }

    #[test]
    fn tolerance_is_inclusive() {
        // 109 % of target: |1.09 − 1| ≤ 0.1 → hold.
        let r = recommend(&CPU, 0.1, 4, &[old(Some(109.0)); 4], secs(1000), &T);
        assert_eq!((r.replicas, r.hold), (4, Some(Hold::WithinTolerance)));
        // 112 %: outside → ceil(4 × 1.12) = 5.
        let r = recommend(&CPU, 0.1, 4, &[old(Some(112.0)); 4], secs(1000), &T);
        assert_eq!((r.replicas, r.hold), (5, None));
    }

    #[test]
    fn cpu_sample_taken_partly_before_readiness_is_set_aside() {
        // Ready at 100 s, sync at 110 s: the 15 s window began before readiness.
        let fresh = PodSample::ready(secs(0), secs(100), Some(500.0));
        let r = recommend(&CPU, 0.1, 2, &[old(Some(200.0)), fresh], secs(110), &T);
        assert_eq!(r.pods.not_ready, 1);
        // Scale-up with a not-ready pod at 0 %: ratio (200 + 0) / 2 / 100 = 1 → within tolerance.
        assert_eq!((r.replicas, r.hold), (2, Some(Hold::Dampened)));
        // At 120 s the window is past readiness: counted.
        let r = recommend(&CPU, 0.1, 2, &[old(Some(200.0)), fresh], secs(120), &T);
        assert_eq!(r.pods.counted, 2);
        assert_eq!(r.replicas, 7); // ceil(2 × 3.5)
    }

    #[test]
    fn unready_after_initialisation_counts_only_if_once_ready() {
        // Started at 0, became unready at 400 s (after having been ready): counted.
        let flapped = PodSample {
            started_at: Some(SimTime::ZERO),
            ready: false,
            readiness_changed_at: Some(secs(400)),
            metric: Some(200.0),
        };
        let r = recommend(&CPU, 0.1, 1, &[flapped], secs(600), &T);
        assert_eq!(r.pods.counted, 1);
        // Unready since 10 s after start and never ready: set aside.
        let never = PodSample {
            readiness_changed_at: Some(secs(10)),
            ..flapped
        };
        let r = recommend(&CPU, 0.1, 1, &[never], secs(600), &T);
        assert_eq!(r.hold, Some(Hold::NoMetrics));
    }

    #[test]
    fn readiness_rules_apply_to_cpu_only() {
        let rps = MetricTarget::RequestsPerSecond {
            average_value: 100.0,
        };
        let starting = PodSample::starting(secs(990), Some(200.0));
        let r = recommend(&rps, 0.1, 1, &[starting], secs(1000), &T);
        assert_eq!(r.replicas, 2);
        let r = recommend(&CPU, 0.1, 1, &[starting], secs(1000), &T);
        assert_eq!(r.hold, Some(Hold::NoMetrics));
        // Pending pods are set aside for every metric.
        let r = recommend(
            &rps,
            0.1,
            2,
            &[old(Some(200.0)), PodSample::pending()],
            secs(1000),
            &T,
        );
        assert_eq!(r.pods.not_ready, 1);
        assert_eq!(r.replicas, 2); // (200 + 0) / 2 / 100 = 1 → dampened
    }
}
