//! Autoscaling: Kubernetes' HorizontalPodAutoscaler decision algorithm as a
//! pure, deterministic model. The simulation calls [`Hpa::sync`] every
//! [`Hpa::sync_period`] with the workload's replica count and per-pod
//! samples, applies [`Decision::desired_replicas`], and may report
//! [`Decision::reason`].
//!
//! # Rules reproduced
//!
//! Source: Kubernetes documentation, *Horizontal Pod Autoscaling*
//! (<https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>,
//! sections "Algorithm details" and "Configurable scaling behavior"); where
//! the page is silent, the controller it describes
//! (`kubernetes/pkg/controller/podautoscaler/{horizontal,replica_calculator}.go`).
//!
//! 1. **Loop**: every sync period (default 15 s).
//! 2. **Ratio**: `mean(metric over counted pods) / target`, for CPU
//!    utilization (percent of request) or a per-pod average value (requests
//!    per second). `desired = ceil(pods × ratio)`; no action when
//!    `|ratio − 1| ≤ tolerance` (default 0.1).
//! 3. **Missing metrics**: such pods are set aside; once the direction is
//!    known the mean is recomputed with them at 100 % of the target on a
//!    scale-down and 0 % on a scale-up.
//! 4. **Not-ready pods (CPU)**: a pod not yet ready, or whose sample began
//!    before it became ready within the CPU initialization period (5 min
//!    after start), is set aside, as is an unready pod that never became
//!    ready (readiness changed within the initial readiness delay, 30 s);
//!    on a scale-up such pods count as 0 %. Pending pods are set aside for
//!    every metric.
//! 5. **Cancellation**: if the recomputed ratio is within tolerance or
//!    reverses the direction, the count is kept.
//! 6. **Stabilization**: the count is held between the lowest recommendation
//!    of the scale-up window (default 0 s) and the highest of the scale-down
//!    window (default 300 s).
//! 7. **Policies**: per direction, `Pods` or `Percent` changes per period,
//!    measured from the count at the start of the period (the history of
//!    scale events); `select_policy` `max` (default) takes the policy
//!    allowing the largest change, `min` the smallest, `disabled` none.
//!    Defaults: up max(+100 %, +4 pods) per 15 s; down −100 % per 15 s.
//! 8. **Bounds**: the result is kept in `[min_replicas, max_replicas]`; a
//!    count outside them is corrected first, without the rules above.
//!
//! Deviations: one metric per HPA (combine several with
//! [`Hpa::sync_recommendation`], taking the largest); the CPU fallback for a
//! missing pod on a scale-down is the documented "100 % of the desired
//! value", where the controller uses max(100 %, target) of the request;
//! utilization is averaged as `f64`, where the controller truncates to whole
//! percent (milli-units for values).
//!
//! ```
//! use sim_core::{SimDuration, SimTime};
//! use sim_models::autoscale::{Hpa, HpaConfig, MetricTarget, PodSample};
//!
//! let mut hpa = Hpa::new(&HpaConfig {
//!     target: MetricTarget::CpuUtilization { average_utilization_percent: 50.0 },
//!     ..HpaConfig::default()
//! })
//! .unwrap();
//! let now = SimTime::ZERO + SimDuration::from_mins(10);
//! let pod = PodSample::ready(SimTime::ZERO, SimTime::ZERO, Some(100.0));
//! // Two pods at 100 % against a 50 % target: ceil(2 × 2.0) = 4.
//! let decision = hpa.sync(now, 2, &[pod, pod]);
//! assert_eq!(decision.desired_replicas, 4);
//! ```

mod behavior;
mod config;
mod hpa;
mod replicas;

pub use behavior::{Behavior, Limit};
pub use config::{
    BehaviorConfig, Direction, HpaConfig, MAX_POLICY_PERIOD, MAX_STABILIZATION_WINDOW,
    MetricTarget, PolicyKind, ScalingPolicy, ScalingRules, ScalingRulesConfig, SelectPolicy,
};
pub use hpa::{Decision, Hpa, Reason};
pub use replicas::{Hold, MetricRecommendation, PodCounts, PodSample, ReadinessTimings, recommend};
