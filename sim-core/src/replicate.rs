//! Independent replications and parameter sweeps, run in parallel on rayon.
//!
//! Results are identical whatever the thread count (DESIGN §7): each run's
//! seed depends only on the root seed and its replication index
//! ([`replication_seed`]), never on which thread ran it or when, and results
//! come back in a fixed order. Runs must therefore be pure functions of their
//! seed (and parameters); summarise them afterwards in that order — e.g. by
//! collecting into a [`Summary`](crate::stats::Summary) — rather than through
//! shared state.
//!
//! A panic in a run propagates to the caller once the other runs stop.
//!
//! ```
//! use sim_core::{replicate::replicate, rng::SimRng, stats::Summary};
//!
//! // Mean of 1000 exponential draws, replicated 20 times.
//! let means = replicate(20, 7, |seed| {
//!     let mut rng = SimRng::from_u64(seed);
//!     (0..1000).map(|_| rng.exp(2.0)).sum::<f64>() / 1000.0
//! });
//! let ci = means.into_iter().collect::<Summary>().confidence_interval(0.95)?;
//! assert!(ci.contains(2.0), "{ci}");
//! # Ok::<(), sim_core::Error>(())
//! ```

use rayon::prelude::*;

use crate::rng::replication_seed;

/// Runs `f(replication_seed(root_seed, i))` for `i` in `0..n` in parallel and
/// returns the results in index order, so replications are reproducible one by
/// one and the output does not depend on the thread count.
pub fn replicate<T, F>(n: usize, root_seed: u64, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(u64) -> T + Sync + Send,
{
    (0..n)
        .into_par_iter()
        .map(|i| f(replication_seed(root_seed, i as u64)))
        .collect()
}

/// One point of a sweep result: which parameter set and replication produced
/// `value`, and the seed it ran with, so any point can be rerun alone.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SweepPoint<T> {
    /// Index of the parameter set in the slice given to [`sweep`].
    pub param_index: usize,
    /// Replication index, `0..replications`.
    pub replication: usize,
    /// The seed the run received: `replication_seed(root_seed, replication)`.
    pub seed: u64,
    /// What the run returned.
    pub value: T,
}

/// Runs every parameter set × every replication in parallel; the output is
/// param-major, then by replication.
///
/// Replication `i` uses the same seed for every parameter set (common random
/// numbers), so differences between parameter sets are not noise from
/// different draws.
pub fn sweep<P, T, F>(params: &[P], replications: usize, root_seed: u64, f: F) -> Vec<SweepPoint<T>>
where
    P: Sync,
    T: Send,
    F: Fn(&P, u64) -> T + Sync + Send,
{
    let f = &f;
    params
        .par_iter()
        .enumerate()
        .flat_map(|(param_index, p)| {
            (0..replications).into_par_iter().map(move |replication| {
                let seed = replication_seed(root_seed, replication as u64);
                SweepPoint {
                    param_index,
                    replication,
                    seed,
                    value: f(p, seed),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::rng::SimRng;

    fn in_pool<R: Send>(threads: usize, job: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(job)
    }

    /// A run whose cost varies with the seed, so threads finish out of order,
    /// and whose result depends on every draw.
    fn run(seed: u64) -> (u64, f64) {
        let mut rng = SimRng::from_u64(seed);
        let draws = 100 + (seed % 2000) as usize;
        let total: f64 = (0..draws).map(|_| rng.exp(1.0)).sum();
        (seed, total)
    }

    #[test]
    fn replicate_is_in_index_order_and_thread_count_independent() {
        let one = in_pool(1, || replicate(200, 42, run));
        let four = in_pool(4, || replicate(200, 42, run));
        assert_eq!(one, four);
        let serial: Vec<_> = (0..200).map(|i| run(replication_seed(42, i))).collect();
        assert_eq!(four, serial);
    }

    #[test]
    fn replication_seeds_are_distinct_and_follow_the_root_seed() {
        let seeds = replicate(10_000, 9, |s| s);
        assert_eq!(seeds.iter().collect::<BTreeSet<_>>().len(), seeds.len());
        let other_root = replicate(10_000, 10, |s| s);
        assert!(seeds.iter().zip(&other_root).all(|(a, b)| a != b));
    }

    #[test]
    fn zero_runs_give_empty_results() {
        assert!(replicate(0, 1, run).is_empty());
        assert!(sweep(&[1, 2, 3], 0, 1, |_, s| s).is_empty());
        assert!(sweep::<u32, u64, _>(&[], 5, 1, |_, s| s).is_empty());
    }

    #[test]
    fn sweep_is_param_major_with_common_random_numbers() {
        let params = [0.5, 1.0, 2.0];
        let reps = 7;
        let points = sweep(&params, reps, 5, |&scale, seed| scale * run(seed).1);
        assert_eq!(points.len(), params.len() * reps);
        for (k, point) in points.iter().enumerate() {
            assert_eq!((point.param_index, point.replication), (k / reps, k % reps));
            // CRN: the seed depends on the replication only, not on the parameter set.
            assert_eq!(point.seed, replication_seed(5, point.replication as u64));
            assert_eq!(point.value, params[point.param_index] * run(point.seed).1);
        }
        let seeds: BTreeSet<u64> = points.iter().map(|p| p.seed).collect();
        assert_eq!(seeds.len(), reps);
    }

    #[test]
    fn sweep_is_thread_count_independent() {
        let params: Vec<u64> = (1..=5).collect();
        let job = || sweep(&params, 40, 77, |&p, seed| run(seed ^ p));
        let one = in_pool(1, job);
        let four = in_pool(4, job);
        assert_eq!(one, four);
        assert_eq!(one.len(), 200);
    }
}
