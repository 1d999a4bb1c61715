//! The request mix: which class an arriving request is.

use sim_core::SimRng;

use super::error::TrafficError;
use crate::scenario::RequestClassConfig;

/// Picks a request class with the mix's fractions, from one uniform draw.
///
/// Holds the cumulative fractions; the last class with a positive fraction
/// absorbs rounding, so a draw always lands on a class and a class with
/// fraction zero is never picked.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestMix {
    /// `cumulative[i]` is the sum of the fractions of classes `0..=i`; the last
    /// positive class's entry and all after it are +∞.
    cumulative: Vec<f64>,
}

/// How far the fractions may sum from 1 (the scenario validator's tolerance).
const SUM_TOLERANCE: f64 = 1e-6;

impl RequestMix {
    /// The mix of `classes`: at least one class, fractions in `[0, 1]`
    /// summing to 1 (within 10⁻⁶).
    pub fn new(classes: &[RequestClassConfig]) -> Result<RequestMix, TrafficError> {
        if classes.is_empty() {
            return Err(TrafficError::InvalidMix(
                "needs at least one request class".into(),
            ));
        }
        let mut cumulative = Vec::with_capacity(classes.len());
        let mut sum = 0.0;
        for (i, c) in classes.iter().enumerate() {
            if !(0.0..=1.0).contains(&c.fraction) {
                return Err(TrafficError::InvalidMix(format!(
                    "classes[{i}].fraction = {} must be in [0, 1]",
                    c.fraction
                )));
            }
            sum += c.fraction;
            cumulative.push(sum);
        }
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(TrafficError::InvalidMix(format!(
                "fractions must sum to 1 (got {sum})"
            )));
        }
        let last = classes
            .iter()
            .rposition(|c| c.fraction > 0.0)
            .expect("fractions summing to 1 include a positive one");
        cumulative[last..].fill(f64::INFINITY);
        Ok(RequestMix { cumulative })
    }

    /// The index (into the classes given to [`new`](Self::new)) of the next
    /// request's class; exactly one uniform draw from `rng`.
    pub fn pick(&self, rng: &mut SimRng) -> usize {
        let u = rng.uniform();
        self.cumulative.partition_point(|&c| c <= u)
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    /// Always false: a mix has at least one class.
    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RequestClass;

    fn class(fraction: f64) -> RequestClassConfig {
        RequestClassConfig {
            class: RequestClass::Read,
            fraction,
            work_factor: 1.0,
            request_bytes: 0,
            response_bytes: 0,
        }
    }

    #[test]
    fn zero_classes_are_never_picked_and_rounding_goes_to_the_last_positive() {
        let mix =
            RequestMix::new(&[class(0.0), class(0.3), class(0.7 - 1e-7), class(0.0)]).unwrap();
        let mut rng = SimRng::stream(1, "mix");
        let mut counts = [0u32; 4];
        for _ in 0..100_000 {
            counts[mix.pick(&mut rng)] += 1;
        }
        assert_eq!((counts[0], counts[3]), (0, 0), "{counts:?}");
        assert_eq!(mix.len(), 4);
    }

    #[test]
    fn rejects_bad_mixes() {
        for (classes, needle) in [
            (vec![], "at least one"),
            (
                vec![class(0.5), class(-0.1), class(0.6)],
                "classes[1].fraction",
            ),
            (vec![class(0.5), class(f64::NAN)], "classes[1].fraction"),
            (vec![class(0.5), class(0.4)], "sum to 1"),
        ] {
            let e = RequestMix::new(&classes).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }
}
