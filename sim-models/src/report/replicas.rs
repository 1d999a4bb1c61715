//! Replica statistics of one fleet region, from its scaling actions: the
//! count only changes when desired replicas change.

use serde::Serialize;
use sim_core::SimTime;

use crate::world::{PendingTime, ScalingAction};

/// How many replicas a region had over the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplicaSummary {
    /// Fleet region.
    pub region: String,
    /// At time zero.
    pub initial: u32,
    /// The most at any time.
    pub peak: u32,
    /// Time-weighted mean.
    pub mean: f64,
    /// At the end.
    pub last: u32,
    /// Seconds spent at the autoscaler's `max_replicas` (absent without autoscaling).
    pub seconds_at_max: Option<f64>,
    /// Waits of pods for node capacity.
    pub pending: PendingTime,
}

impl ReplicaSummary {
    /// Summarises `actions` (this region's, in time order) from `initial` to `end`.
    pub fn new(
        region: &str,
        initial: u32,
        actions: &[&ScalingAction],
        end: SimTime,
        max_replicas: Option<u32>,
        pending: PendingTime,
    ) -> Self {
        let (mut count, mut since) = (initial, SimTime::ZERO);
        let (mut peak, mut area, mut at_max) = (initial, 0.0, 0.0);
        let mut hold = |count: u32, from: SimTime, to: SimTime| {
            let seconds = (to - from).as_secs_f64();
            area += f64::from(count) * seconds;
            if Some(count) == max_replicas {
                at_max += seconds;
            }
        };
        for a in actions {
            hold(count, since, a.time);
            (count, since) = (a.to, a.time);
            peak = peak.max(count);
        }
        hold(count, since, end);
        let total = end.as_secs_f64();
        ReplicaSummary {
            region: region.to_owned(),
            initial,
            peak,
            mean: if total > 0.0 {
                area / total
            } else {
                f64::from(initial)
            },
            last: count,
            seconds_at_max: max_replicas.map(|_| at_max),
            pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use sim_core::SimDuration;

    use super::*;

    fn action(secs: u64, from: u32, to: u32) -> ScalingAction {
        ScalingAction {
            time: SimTime::ZERO + SimDuration::from_secs(secs),
            region: "r".into(),
            from,
            to,
            reason: String::new(),
        }
    }

    #[test]
    fn mean_is_weighted_by_time() {
        // 2 for 10 s, 6 for 20 s, 4 for 10 s: (20 + 120 + 40) / 40 = 4.5.
        let (a, b) = (action(10, 2, 6), action(30, 6, 4));
        let end = SimTime::ZERO + SimDuration::from_secs(40);
        let s = ReplicaSummary::new("r", 2, &[&a, &b], end, Some(6), PendingTime::default());
        assert_eq!((s.peak, s.last), (6, 4));
        assert!((s.mean - 4.5).abs() < 1e-12);
        assert_eq!(s.seconds_at_max, Some(20.0));
    }
}
