//! `spec.behavior`: the stabilization window and the rate-limit policies,
//! with the history of recommendations and scale events they need.
//!
//! Mirrors the controller's `stabilizeRecommendationWithBehaviors` and
//! `convertDesiredReplicasWithBehaviorRate`: a record counts while it is
//! strictly younger than its window or period, as in Go's `After(cutoff)`.
//! Records old enough to matter to no window are dropped, so memory stays
//! bounded by (longest window ÷ sync period).

use std::collections::VecDeque;

use sim_core::{SimDuration, SimTime};

use super::config::{PolicyKind, ScalingRules, SelectPolicy};

/// A raw recommendation remembered for stabilization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Recommendation {
    at: SimTime,
    replicas: u32,
}

/// A change of the replica count, remembered for the rate limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ScaleEvent {
    at: SimTime,
    change: u32,
}

/// What limited the change after stabilization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// A scale-up policy allowed fewer pods than recommended.
    ScaleUpRate,
    /// A scale-down policy allowed removing fewer pods than recommended.
    ScaleDownRate,
    /// `select_policy: disabled` for scaling up.
    ScaleUpDisabled,
    /// `select_policy: disabled` for scaling down.
    ScaleDownDisabled,
    /// Capped at `max_replicas`.
    MaxReplicas,
    /// Raised to `min_replicas`.
    MinReplicas,
}

/// Both directions' rules and the history they act on.
#[derive(Clone, Debug)]
pub struct Behavior {
    up: ScalingRules,
    down: ScalingRules,
    recommendations: VecDeque<Recommendation>,
    up_events: VecDeque<ScaleEvent>,
    down_events: VecDeque<ScaleEvent>,
}

/// Sum of the changes strictly younger than `period`.
fn change_in_period(events: &VecDeque<ScaleEvent>, now: SimTime, period: SimDuration) -> i64 {
    events
        .iter()
        .filter(|e| e.at + period > now)
        .map(|e| i64::from(e.change))
        .sum()
}

fn to_u32(x: i64) -> u32 {
    x.clamp(0, i64::from(u32::MAX)) as u32
}

impl Behavior {
    /// Rules for adding (`up`) and removing (`down`) pods, with empty history.
    pub fn new(up: ScalingRules, down: ScalingRules) -> Self {
        assert!(!up.policies.is_empty() && !down.policies.is_empty());
        Behavior {
            up,
            down,
            recommendations: VecDeque::new(),
            up_events: VecDeque::new(),
            down_events: VecDeque::new(),
        }
    }

    /// The scale-up rules.
    pub fn scale_up(&self) -> &ScalingRules {
        &self.up
    }

    /// The scale-down rules.
    pub fn scale_down(&self) -> &ScalingRules {
        &self.down
    }

    /// Records kept now: recommendations, scale-up and scale-down events.
    pub fn history_len(&self) -> (usize, usize, usize) {
        (
            self.recommendations.len(),
            self.up_events.len(),
            self.down_events.len(),
        )
    }

    /// Drops records no window or period can count any more.
    pub fn prune(&mut self, now: SimTime) {
        let window = self
            .up
            .stabilization_window
            .max(self.down.stabilization_window);
        while self
            .recommendations
            .front()
            .is_some_and(|r| r.at + window <= now)
        {
            self.recommendations.pop_front();
        }
        let period = self.up.longest_period().max(self.down.longest_period());
        for events in [&mut self.up_events, &mut self.down_events] {
            while events.front().is_some_and(|e| e.at + period <= now) {
                events.pop_front();
            }
        }
    }

    /// Stabilizes `raw` and records it: the result is `current` brought
    /// within [lowest recommendation in the scale-up window, highest in the
    /// scale-down window], both windows including `raw` itself.
    pub fn stabilize(&mut self, now: SimTime, current: u32, raw: u32) -> u32 {
        let mut up_bound = raw;
        let mut down_bound = raw;
        for r in &self.recommendations {
            if r.at + self.up.stabilization_window > now {
                up_bound = up_bound.min(r.replicas);
            }
            if r.at + self.down.stabilization_window > now {
                down_bound = down_bound.max(r.replicas);
            }
        }
        if let Some(last) = self.recommendations.back() {
            assert!(last.at <= now, "HPA time went backwards");
        }
        self.recommendations.push_back(Recommendation {
            at: now,
            replicas: raw,
        });
        current.max(up_bound).min(down_bound)
    }

    /// The most replicas the scale-up policies allow now.
    fn scale_up_limit(&self, now: SimTime, current: u32) -> u32 {
        let rules = &self.up;
        let proposals = rules.policies.iter().map(|p| {
            let start = i64::from(current) - change_in_period(&self.up_events, now, p.period)
                + change_in_period(&self.down_events, now, p.period);
            match p.kind {
                PolicyKind::Pods => start + i64::from(p.value),
                // Rounded up, or a small target could never grow.
                PolicyKind::Percent => {
                    (start as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil() as i64
                }
            }
        });
        let limit = match rules.select_policy {
            SelectPolicy::Disabled => i64::from(current),
            SelectPolicy::Max => proposals.max().unwrap_or(i64::from(current)),
            SelectPolicy::Min => proposals.min().unwrap_or(i64::from(current)),
        };
        to_u32(limit)
    }

    /// The fewest replicas the scale-down policies allow now.
    fn scale_down_limit(&self, now: SimTime, current: u32) -> u32 {
        let rules = &self.down;
        let proposals = rules.policies.iter().map(|p| {
            let start = i64::from(current) - change_in_period(&self.up_events, now, p.period)
                + change_in_period(&self.down_events, now, p.period);
            match p.kind {
                PolicyKind::Pods => start - i64::from(p.value),
                // Truncated, as Go's int32(float64) conversion does.
                PolicyKind::Percent => (start as f64 * (1.0 - f64::from(p.value) / 100.0)) as i64,
            }
        });
        // The policy allowing the largest change gives the lowest floor.
        let limit = match rules.select_policy {
            SelectPolicy::Disabled => i64::from(current),
            SelectPolicy::Max => proposals.min().unwrap_or(i64::from(current)),
            SelectPolicy::Min => proposals.max().unwrap_or(i64::from(current)),
        };
        to_u32(limit)
    }

    /// Applies the rate limits and `[min, max]` to a stabilized count.
    /// Returns the count to set and what limited it, if anything.
    pub fn limit(
        &self,
        now: SimTime,
        current: u32,
        stabilized: u32,
        min: u32,
        max: u32,
    ) -> (u32, Option<Limit>) {
        if stabilized > current {
            let rate = self.scale_up_limit(now, current).max(current);
            let (ceiling, why) = if max > rate {
                let why = if self.up.select_policy == SelectPolicy::Disabled {
                    Limit::ScaleUpDisabled
                } else {
                    Limit::ScaleUpRate
                };
                (rate, why)
            } else {
                (max, Limit::MaxReplicas)
            };
            if stabilized > ceiling {
                return (ceiling, Some(why));
            }
        } else if stabilized < current {
            let rate = self.scale_down_limit(now, current).min(current);
            let (floor, why) = if min < rate {
                let why = if self.down.select_policy == SelectPolicy::Disabled {
                    Limit::ScaleDownDisabled
                } else {
                    Limit::ScaleDownRate
                };
                (rate, why)
            } else {
                (min, Limit::MinReplicas)
            };
            if stabilized < floor {
                return (floor, Some(why));
            }
        }
        (stabilized, None)
    }

    /// Remembers that the count went from `from` to `to` at `now`.
    pub fn record_scale(&mut self, now: SimTime, from: u32, to: u32) {
        if to > from {
            self.up_events.push_back(ScaleEvent {
                at: now,
                change: to - from,
            });
        } else if to < from {
            self.down_events.push_back(ScaleEvent {
                at: now,
                change: from - to,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::{Direction, ScalingPolicy};
    use super::*;

    fn secs(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    fn defaults() -> Behavior {
        Behavior::new(
            ScalingRules::default_for(Direction::Up),
            ScalingRules::default_for(Direction::Down),
        )
    }

    #[test]
    fn scale_down_window_keeps_the_highest_recent_recommendation() {
        let mut b = defaults();
        assert_eq!(b.stabilize(secs(0), 10, 10), 10);
        assert_eq!(b.stabilize(secs(100), 10, 4), 10);
        // 10 was recorded at 0 s; at 300 s it is exactly 300 s old and no longer counts.
        assert_eq!(b.stabilize(secs(299), 10, 4), 10);
        assert_eq!(b.stabilize(secs(300), 10, 4), 4);
    }

    #[test]
    fn an_event_exactly_one_period_old_no_longer_counts() {
        let mut b = defaults();
        b.record_scale(secs(0), 1, 5);
        assert_eq!(b.limit(secs(14), 5, 100, 1, 100).0, 5);
        assert_eq!(b.limit(secs(15), 5, 100, 1, 100).0, 10);
    }

    #[test]
    fn pruning_keeps_history_bounded() {
        let mut b = Behavior::new(
            ScalingRules::default_for(Direction::Up),
            ScalingRules {
                policies: vec![ScalingPolicy::pods(1, SimDuration::from_secs(60))],
                ..ScalingRules::default_for(Direction::Down)
            },
        );
        for i in 0..10_000u64 {
            let now = secs(15 * i);
            b.prune(now);
            b.stabilize(now, 5, 5 + (i % 3) as u32);
            b.record_scale(now, 5, 4 + (i % 3) as u32);
        }
        let (recs, up, down) = b.history_len();
        assert!(recs <= 20, "{recs} recommendations kept");
        assert!(up <= 4 && down <= 4, "{up} / {down} events kept");
    }
}
