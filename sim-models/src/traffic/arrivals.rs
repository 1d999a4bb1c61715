//! Arrival times of a non-homogeneous Poisson process, by thinning.

use sim_core::{SimDuration, SimRng, SimTime};

use super::rate::{RateProfile, Segment};

/// The arrivals of one user region: a Poisson process whose rate follows a
/// [`RateProfile`].
///
/// Thinning (Lewis & Shedler, 1979): on a segment where λ(t) ≤ λ̄, candidates
/// come at gaps drawn from Exp(mean 1/λ̄), and a candidate at `t` is kept with
/// probability λ(t)/λ̄. λ̄ is the profile's bound for the current segment
/// (tighter than [`RateProfile::max_rate`]); a candidate that falls past the
/// segment's end is dropped and drawing restarts there with the next
/// segment's bound, which the memorylessness of the exponential makes exact.
/// Where λ is constant on the segment (constant pattern, trace rows, spikes)
/// every candidate is kept and no acceptance draw is made.
///
/// Every random draw comes from the `rng` passed to
/// [`next_arrival`](Self::next_arrival) — one uniform per candidate gap and one
/// per acceptance test — so giving each region its own named stream keeps the
/// streams aligned: the region's arrivals depend only on the seed, the stream
/// name and the profile. Nothing is allocated per arrival.
#[derive(Clone, Debug)]
pub struct ArrivalProcess {
    profile: RateProfile,
    /// The last segment used, reused while `now` stays inside it.
    segment: Segment,
}

impl ArrivalProcess {
    /// Arrivals following `profile`.
    pub fn new(profile: RateProfile) -> Self {
        let segment = profile.segment_at(SimTime::ZERO);
        ArrivalProcess { profile, segment }
    }

    /// The rate the arrivals follow.
    pub fn profile(&self) -> &RateProfile {
        &self.profile
    }

    /// The first arrival at or after `now` (usually the time of the previous
    /// arrival; two arrivals share an instant only if a gap rounds to under
    /// a nanosecond). `None` if no arrival ever comes: λ is zero from `now`
    /// on (always so when `max_rate() == 0`), or the next one lies beyond
    /// [`SimTime::MAX`].
    pub fn next_arrival(&mut self, now: SimTime, rng: &mut SimRng) -> Option<SimTime> {
        let mut t = now;
        loop {
            if !(self.segment.start <= t && t < self.segment.end) {
                self.segment = self.profile.segment_at(t);
            }
            let seg = self.segment;
            if seg.bound <= 0.0 {
                if seg.end == SimTime::MAX {
                    return None;
                }
                t = seg.end;
                continue;
            }
            let gap = SimDuration::from_secs_f64(rng.exp(1.0 / seg.bound));
            let candidate = t.checked_add(gap)?;
            if candidate >= seg.end {
                if seg.end == SimTime::MAX {
                    return None;
                }
                t = seg.end;
                continue;
            }
            if seg.exact || rng.uniform() * seg.bound < self.profile.rate_at(candidate) {
                return Some(candidate);
            }
            t = candidate;
        }
    }
}
