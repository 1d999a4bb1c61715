//! Named random streams.
//!
//! A run has one root seed. Each component asks for a stream by name
//! (`"traffic/us-east-1"`); the stream's generator is seeded from the root seed
//! and a stable hash of the name. Adding a component therefore never shifts
//! another component's draws, which gives common random numbers when two
//! policies are compared on the same seed.
//!
//! The algorithm is pinned — xoshiro256++ seeded through SplitMix64 — so a seed
//! means the same draws on every machine and every version of `rand`.

use rand_core::{Infallible, SeedableRng, TryRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The golden-ratio increment of SplitMix64.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The generator every simulation stream uses: xoshiro256++, pinned.
///
/// It implements [`rand::Rng`], so `rand`'s and `rand_distr`'s distributions
/// sample from it directly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng(Xoshiro256PlusPlus);

impl SimRng {
    /// The generator of stream `name` under `root_seed`.
    pub fn stream(root_seed: u64, name: &str) -> Self {
        Self::from_u64(splitmix64(root_seed) ^ stable_hash(name))
    }

    /// A generator seeded from one word, expanded by SplitMix64 (the seeding
    /// xoshiro's authors recommend).
    pub fn from_u64(seed: u64) -> Self {
        let mut bytes = [0u8; 32];
        for (i, chunk) in bytes.chunks_exact_mut(8).enumerate() {
            let word = splitmix64(seed.wrapping_add((i as u64).wrapping_mul(GOLDEN_GAMMA)));
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        SimRng(Xoshiro256PlusPlus::from_seed(bytes))
    }

    /// A uniform draw in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (rand::Rng::next_u64(self) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An exponential draw with the given mean, by inversion (one uniform per draw,
    /// so streams stay aligned across policies that draw the same count).
    #[inline]
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }
}

impl TryRng for SimRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.0.try_next_u32()
    }
    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0.try_next_u64()
    }
    #[inline]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.try_fill_bytes(dst)
    }
}

/// The seed of replication `index` under `root_seed`: the `index`-th output of
/// SplitMix64, so replications are independent and reproducible one by one.
pub fn replication_seed(root_seed: u64, index: u64) -> u64 {
    splitmix64(root_seed.wrapping_add(index.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
}

/// A hash of a stream name that never changes between runs, machines or
/// versions (64-bit FNV-1a; `std`'s hasher is randomly keyed and not stable).
pub fn stable_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's output function: a bijective mixer of one word.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(GOLDEN_GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a1: Vec<u64> = (0..4).map(|_| SimRng::stream(42, "a").next_u64()).collect();
        assert!(a1.windows(2).all(|w| w[0] == w[1]));
        let mut a = SimRng::stream(42, "a");
        let mut b = SimRng::stream(42, "b");
        let mut a43 = SimRng::stream(43, "a");
        let (x, y, z) = (a.next_u64(), b.next_u64(), a43.next_u64());
        assert!(x != y && x != z && y != z);
    }

    #[test]
    fn stable_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(stable_hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn uniform_and_exp_stay_in_range() {
        let mut r = SimRng::stream(1, "u");
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            sum += r.exp(2.0);
        }
        let mean = sum / f64::from(n);
        assert!((mean - 2.0).abs() < 0.05, "mean {mean}");
    }
}
