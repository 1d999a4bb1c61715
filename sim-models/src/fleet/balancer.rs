//! Regional load balancing: one trait, one policy per strategy. A policy
//! sees only the routable instances of one region and picks one of them.

use sim_core::SimRng;

use super::instance::Instance;
use crate::scenario::BalancerPolicyKind;

/// Picks an instance among candidates (indices into the fleet's instances).
pub trait BalancerPolicy: std::fmt::Debug + Send {
    /// The chosen instance, or `None` if there is no candidate.
    fn pick(
        &mut self,
        candidates: &[usize],
        instances: &[Instance],
        rng: &mut SimRng,
    ) -> Option<usize>;
}

/// Each candidate in turn.
#[derive(Debug, Default)]
pub struct RoundRobin {
    next: usize,
}

impl BalancerPolicy for RoundRobin {
    fn pick(&mut self, candidates: &[usize], _: &[Instance], _: &mut SimRng) -> Option<usize> {
        if candidates.is_empty() {
            return None;
        }
        let i = candidates[self.next % candidates.len()];
        self.next = self.next.wrapping_add(1);
        Some(i)
    }
}

/// The candidate with the fewest requests outstanding; ties go to the first.
#[derive(Debug, Default)]
pub struct LeastOutstanding;

fn least_outstanding(
    candidates: impl Iterator<Item = usize>,
    instances: &[Instance],
) -> Option<usize> {
    candidates.min_by_key(|&i| instances[i].outstanding())
}

impl BalancerPolicy for LeastOutstanding {
    fn pick(
        &mut self,
        candidates: &[usize],
        instances: &[Instance],
        _: &mut SimRng,
    ) -> Option<usize> {
        least_outstanding(candidates.iter().copied(), instances)
    }
}

/// A version drawn by weight (among versions that have a candidate), then
/// least outstanding within it: the traffic split of a canary.
#[derive(Debug)]
pub struct Weighted {
    /// Weight per version index.
    weights: Vec<f64>,
}

impl Weighted {
    /// A policy with these weights per version index (missing versions weigh 0).
    pub fn new(weights: Vec<f64>) -> Self {
        Weighted { weights }
    }
}

impl BalancerPolicy for Weighted {
    fn pick(
        &mut self,
        candidates: &[usize],
        instances: &[Instance],
        rng: &mut SimRng,
    ) -> Option<usize> {
        let weight = |v: usize| self.weights.get(v).copied().unwrap_or(0.0);
        let mut present: Vec<usize> = candidates.iter().map(|&i| instances[i].version).collect();
        present.sort_unstable();
        present.dedup();
        let total: f64 = present.iter().map(|&v| weight(v)).sum();
        let version = if total > 0.0 {
            let mut x = rng.uniform() * total;
            let drawn = present.iter().find(|&&v| {
                x -= weight(v);
                x < 0.0
            });
            // Rounding can leave x at a hair above zero: the last version takes it.
            *drawn.or(present.last())?
        } else {
            *present.first()?
        };
        least_outstanding(
            candidates
                .iter()
                .copied()
                .filter(|&i| instances[i].version == version),
            instances,
        )
    }
}

/// The policy a scenario names.
pub fn policy(kind: BalancerPolicyKind, version_weights: Vec<f64>) -> Box<dyn BalancerPolicy> {
    match kind {
        BalancerPolicyKind::RoundRobin => Box::new(RoundRobin::default()),
        BalancerPolicyKind::LeastOutstanding => Box::new(LeastOutstanding),
        BalancerPolicyKind::Weighted => Box::new(Weighted::new(version_weights)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::SimTime;

    fn fleet(outstanding: &[u32], versions: &[usize]) -> Vec<Instance> {
        outstanding
            .iter()
            .zip(versions)
            .map(|(&busy, &v)| {
                let mut i = Instance::new(0, v, SimTime::ZERO, false);
                i.serving = (0..busy).collect();
                i
            })
            .collect()
    }

    #[test]
    fn round_robin_cycles() {
        let inst = fleet(&[0, 0, 0], &[0, 0, 0]);
        let mut rng = SimRng::from_u64(1);
        let mut p = RoundRobin::default();
        let picks: Vec<_> = (0..6)
            .map(|_| p.pick(&[0, 2], &inst, &mut rng).unwrap())
            .collect();
        assert_eq!(picks, [0, 2, 0, 2, 0, 2]);
        assert_eq!(p.pick(&[], &inst, &mut rng), None);
    }

    #[test]
    fn least_outstanding_picks_the_idlest() {
        let inst = fleet(&[3, 1, 1, 0], &[0, 0, 0, 0]);
        let mut rng = SimRng::from_u64(1);
        assert_eq!(LeastOutstanding.pick(&[0, 1, 2], &inst, &mut rng), Some(1));
        assert_eq!(
            LeastOutstanding.pick(&[0, 1, 2, 3], &inst, &mut rng),
            Some(3)
        );
    }

    #[test]
    fn weighted_splits_by_version() {
        let inst = fleet(&[0, 0, 0], &[0, 0, 1]);
        let mut rng = SimRng::from_u64(7);
        let mut p = Weighted::new(vec![0.9, 0.1]);
        let n = 100_000;
        let to_v1 = (0..n)
            .filter(|_| p.pick(&[0, 1, 2], &inst, &mut rng) == Some(2))
            .count();
        let share = to_v1 as f64 / f64::from(n);
        assert!((share - 0.1).abs() < 0.005, "{share}");
        // With the weighted version absent, traffic still flows to what is there.
        assert_eq!(p.pick(&[2], &inst, &mut rng), Some(2));
    }
}
