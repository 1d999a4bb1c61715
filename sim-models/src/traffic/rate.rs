//! A region's request rate λ(t) and its piecewise upper bounds.

use std::f64::consts::TAU;

use sim_core::SimTime;

use super::error::TrafficError;
use super::trace::Trace;
use crate::scenario::{TrafficPatternConfig, UserRegionConfig};

const NS_PER_HOUR: u64 = 3_600_000_000_000;
const SECS_PER_DAY: f64 = 86_400.0;

/// A region's request rate λ(t), requests per second, over simulated time.
///
/// The base pattern — constant `rps`; diurnal
/// `rps × (1 + amplitude × cos(2π (hours(t) − peak_hour) / 24))` with t = 0 at
/// midnight, whose mean over a day is `rps`; or a trace's rows held until the
/// next row (the first row's rate before it, the last rate after), times `rps`
/// — is multiplied by every spike active at `t`, a spike covering
/// `[at, at + duration)`. Overlapping spikes multiply.
///
/// Time splits into *segments* on which the spike factor and the trace row
/// are fixed (for diurnal traffic also at each full hour); each segment has an
/// upper bound of λ, exact where λ is constant on it, which the
/// [`ArrivalProcess`](super::ArrivalProcess) thins against.
#[derive(Clone, Debug, PartialEq)]
pub struct RateProfile {
    base: Base,
    spikes: Vec<Spike>,
    /// Every spike start and end, sorted, without duplicates.
    edges: Vec<SimTime>,
    max_rate: f64,
}

#[derive(Clone, Debug, PartialEq)]
enum Base {
    Constant {
        rps: f64,
    },
    Diurnal {
        rps: f64,
        amplitude: f64,
        peak_secs: f64,
    },
    /// Rows with their rates already scaled by `rps`.
    Trace {
        times: Vec<SimTime>,
        rates: Vec<f64>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Spike {
    start: SimTime,
    end: SimTime,
    multiplier: f64,
}

/// A stretch of time `[start, end)` on which λ ≤ `bound`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Segment {
    pub start: SimTime,
    pub end: SimTime,
    /// An upper bound of λ on the segment.
    pub bound: f64,
    /// λ equals `bound` everywhere on the segment.
    pub exact: bool,
    /// The product of the spikes active on the segment.
    spike_factor: f64,
}

fn check(
    field: impl Into<String>,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<f64, TrafficError> {
    if ok {
        Ok(value)
    } else {
        Err(TrafficError::InvalidRegion {
            field: field.into(),
            value: value.to_string(),
            expected,
        })
    }
}

impl RateProfile {
    /// The rate of `region`. A `trace` pattern needs its rows in `trace`
    /// (read with [`Trace::from_path`]); other patterns take none.
    pub fn from_config(
        region: &UserRegionConfig,
        trace: Option<&Trace>,
    ) -> Result<RateProfile, TrafficError> {
        let rps = region.rps;
        check(
            "rps",
            rps,
            rps.is_finite() && rps >= 0.0,
            "must be a finite number ≥ 0",
        )?;
        let base = match (&region.pattern, trace) {
            (TrafficPatternConfig::Constant, None) => Base::Constant { rps },
            (
                TrafficPatternConfig::Diurnal {
                    peak_hour,
                    amplitude,
                },
                None,
            ) => {
                let peak_hour = *peak_hour;
                let amplitude = *amplitude;
                check(
                    "pattern.peak_hour",
                    peak_hour,
                    (0.0..=24.0).contains(&peak_hour),
                    "must be an hour of the day in [0, 24]",
                )?;
                check(
                    "pattern.amplitude",
                    amplitude,
                    (0.0..=1.0).contains(&amplitude),
                    "must be in [0, 1] (the rate never goes negative)",
                )?;
                if amplitude == 0.0 {
                    Base::Constant { rps }
                } else {
                    Base::Diurnal {
                        rps,
                        amplitude,
                        peak_secs: peak_hour * 3600.0,
                    }
                }
            }
            (TrafficPatternConfig::Trace { .. }, Some(trace)) => {
                let rows = trace.rows();
                assert!(!rows.is_empty(), "a parsed trace has at least one row");
                Base::Trace {
                    times: rows.iter().map(|r| r.time).collect(),
                    rates: rows.iter().map(|r| r.rate_rps * rps).collect(),
                }
            }
            (TrafficPatternConfig::Trace { file }, None) => {
                return Err(TrafficError::TraceMismatch(format!(
                    "the pattern replays {} but its trace was not read",
                    file.display()
                )));
            }
            (_, Some(trace)) => {
                return Err(TrafficError::TraceMismatch(format!(
                    "trace {} was given but the pattern is not `trace`",
                    trace.source()
                )));
            }
        };

        let mut spikes = Vec::with_capacity(region.spikes.len());
        for (i, s) in region.spikes.iter().enumerate() {
            let m = s.multiplier;
            check(
                format!("spikes[{i}].multiplier"),
                m,
                m.is_finite() && m >= 0.0,
                "must be a finite number ≥ 0",
            )?;
            let start = SimTime::ZERO + s.at;
            spikes.push(Spike {
                start,
                end: start + s.duration,
                multiplier: m,
            });
        }
        spikes.retain(|s| s.end > s.start);
        let mut edges: Vec<SimTime> = spikes.iter().flat_map(|s| [s.start, s.end]).collect();
        edges.sort_unstable();
        edges.dedup();

        let base_max = match &base {
            Base::Constant { rps } => *rps,
            Base::Diurnal { rps, amplitude, .. } => rps * (1.0 + amplitude),
            Base::Trace { rates, .. } => rates.iter().copied().fold(0.0, f64::max),
        };
        let mut profile = RateProfile {
            base,
            spikes,
            edges,
            max_rate: 0.0,
        };
        // The spike factor is constant between edges, so its maximum is taken at
        // time zero or at an edge.
        let spike_max = std::iter::once(SimTime::ZERO)
            .chain(profile.edges.iter().copied())
            .map(|t| profile.spike_factor(t))
            .fold(0.0, f64::max);
        profile.max_rate = base_max * spike_max;
        Ok(profile)
    }

    /// λ(t), requests per second.
    pub fn rate_at(&self, t: SimTime) -> f64 {
        self.base_rate(t) * self.spike_factor(t)
    }

    /// An upper bound of λ over all time: the base pattern's maximum times the
    /// largest product of overlapping spikes (exact without spikes).
    pub fn max_rate(&self) -> f64 {
        self.max_rate
    }

    /// The mean rate over `[from, to)`: the exact integral of λ divided by the
    /// span (λ(from) if the span is empty).
    pub fn mean_rate_over(&self, from: SimTime, to: SimTime) -> f64 {
        if to <= from {
            return self.rate_at(from);
        }
        self.expected_arrivals(from, to) / (to - from).as_secs_f64()
    }

    /// The exact integral of λ over `[from, to)`: the expected number of
    /// arrivals (zero if `to ≤ from`).
    pub fn expected_arrivals(&self, from: SimTime, to: SimTime) -> f64 {
        let mut total = 0.0;
        let mut t = from;
        while t < to {
            let seg = self.segment_at(t);
            let end = seg.end.min(to);
            total += match &self.base {
                Base::Diurnal {
                    rps,
                    amplitude,
                    peak_secs,
                } => {
                    // ∫ rps (1 + A cos(ω (s − p))) ds = rps (Δ + A/ω [sin(ω (s − p))]).
                    let omega = TAU / SECS_PER_DAY;
                    let (a, b) = (t.as_secs_f64(), end.as_secs_f64());
                    let sin_diff =
                        (omega * (b - peak_secs)).sin() - (omega * (a - peak_secs)).sin();
                    seg.spike_factor * rps * ((b - a) + amplitude / omega * sin_diff)
                }
                Base::Constant { .. } | Base::Trace { .. } => seg.bound * (end - t).as_secs_f64(),
            };
            t = end;
        }
        total
    }

    /// The segment that holds `t`, starting at `t`.
    pub(super) fn segment_at(&self, t: SimTime) -> Segment {
        let spike_factor = self.spike_factor(t);
        let next_edge = self.edges[self.edges.partition_point(|&e| e <= t)..]
            .first()
            .copied()
            .unwrap_or(SimTime::MAX);
        if spike_factor == 0.0 || self.max_rate == 0.0 {
            // Silent until the spike that zeroes the rate ends (or for ever).
            return Segment {
                start: t,
                end: if self.max_rate == 0.0 {
                    SimTime::MAX
                } else {
                    next_edge
                },
                bound: 0.0,
                exact: true,
                spike_factor,
            };
        }
        let (base_bound, base_end, exact) = match &self.base {
            Base::Constant { rps } => (*rps, SimTime::MAX, true),
            Base::Trace { times, rates } => {
                let i = row_at(times, t);
                (
                    rates[i],
                    times.get(i + 1).copied().unwrap_or(SimTime::MAX),
                    true,
                )
            }
            Base::Diurnal {
                rps,
                amplitude,
                peak_secs,
            } => {
                let hour_end = SimTime::from_nanos(
                    (t.as_nanos() / NS_PER_HOUR)
                        .saturating_add(1)
                        .saturating_mul(NS_PER_HOUR),
                );
                let end = hour_end.min(next_edge);
                let cos_max = max_cos(
                    TAU * (t.as_secs_f64() - peak_secs) / SECS_PER_DAY,
                    TAU * (end.as_secs_f64() - peak_secs) / SECS_PER_DAY,
                );
                // A hair of slack so rounding in `cos` never puts λ above the bound.
                let bound = rps * (1.0 + amplitude * cos_max) * (1.0 + 1e-9);
                (bound, hour_end, false)
            }
        };
        Segment {
            start: t,
            end: base_end.min(next_edge),
            bound: base_bound * spike_factor,
            exact,
            spike_factor,
        }
    }

    fn base_rate(&self, t: SimTime) -> f64 {
        match &self.base {
            Base::Constant { rps } => *rps,
            Base::Diurnal {
                rps,
                amplitude,
                peak_secs,
            } => {
                rps * (1.0 + amplitude * (TAU * (t.as_secs_f64() - peak_secs) / SECS_PER_DAY).cos())
            }
            Base::Trace { times, rates } => rates[row_at(times, t)],
        }
    }

    fn spike_factor(&self, t: SimTime) -> f64 {
        self.spikes
            .iter()
            .filter(|s| s.start <= t && t < s.end)
            .map(|s| s.multiplier)
            .product()
    }
}

/// The row in force at `t`: the last row at or before `t`, else the first.
fn row_at(times: &[SimTime], t: SimTime) -> usize {
    times.partition_point(|&x| x <= t).saturating_sub(1)
}

/// The maximum of `cos` over `[a, b]`, `a ≤ b`.
fn max_cos(a: f64, b: f64) -> f64 {
    // A peak of cos (a multiple of 2π) inside the interval gives 1; otherwise
    // cos is monotone between the ends and the larger end wins.
    if (a / TAU).ceil() * TAU <= b {
        1.0
    } else {
        a.cos().max(b.cos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::SpikeConfig;
    use sim_core::SimDuration;

    fn region(
        rps: f64,
        pattern: TrafficPatternConfig,
        spikes: Vec<SpikeConfig>,
    ) -> UserRegionConfig {
        UserRegionConfig {
            name: "r".into(),
            rps,
            pattern,
            spikes,
        }
    }

    fn at(s: f64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs_f64(s)
    }

    fn spike(at_s: u64, dur_s: u64, multiplier: f64) -> SpikeConfig {
        SpikeConfig {
            at: SimDuration::from_secs(at_s),
            duration: SimDuration::from_secs(dur_s),
            multiplier,
        }
    }

    fn profiles() -> Vec<RateProfile> {
        let trace = Trace::from_reader("time,rate\n10m,2\n1h,0\n2h,5\n".as_bytes(), "t").unwrap();
        let spikes = vec![
            spike(1800, 3600, 4.0),
            spike(3000, 600, 0.5),
            spike(7000, 100, 3.0),
        ];
        vec![
            RateProfile::from_config(
                &region(10.0, TrafficPatternConfig::Constant, spikes.clone()),
                None,
            )
            .unwrap(),
            RateProfile::from_config(
                &region(
                    10.0,
                    TrafficPatternConfig::Diurnal {
                        peak_hour: 0.7,
                        amplitude: 0.9,
                    },
                    spikes.clone(),
                ),
                None,
            )
            .unwrap(),
            RateProfile::from_config(
                &region(
                    3.0,
                    TrafficPatternConfig::Trace { file: "t".into() },
                    spikes,
                ),
                Some(&trace),
            )
            .unwrap(),
        ]
    }

    /// The slow reference: a midpoint Riemann sum of `rate_at`.
    fn riemann(p: &RateProfile, from: f64, to: f64, steps: u32) -> f64 {
        let h = (to - from) / f64::from(steps);
        (0..steps)
            .map(|i| p.rate_at(at(from + (f64::from(i) + 0.5) * h)) * h)
            .sum()
    }

    #[test]
    fn segment_bounds_hold_and_exact_segments_are_exact() {
        for p in profiles() {
            for i in 0..20_000u32 {
                let t = at(f64::from(i) * 0.77);
                let seg = p.segment_at(t);
                assert!(seg.start == t && seg.end > t, "{seg:?}");
                for probe in [
                    t,
                    SimTime::from_nanos(seg.end.as_nanos().min(t.as_nanos() + 20_000_000_000) - 1),
                ] {
                    let r = p.rate_at(probe);
                    assert!(r <= seg.bound, "{probe:?}: {r} > {seg:?}");
                    assert!(r <= p.max_rate(), "{probe:?}: {r} > max {}", p.max_rate());
                    if seg.exact {
                        assert_eq!(r, seg.bound, "{probe:?} {seg:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn exact_integral_matches_a_riemann_sum() {
        for p in profiles() {
            for (a, b) in [
                (0.0, 20_000.0),
                (123.4, 3_000.0),
                (5_000.0, 5_000.5),
                (0.0, 200_000.0),
            ] {
                let exact = p.expected_arrivals(at(a), at(b));
                let slow = riemann(&p, a, b, 400_000);
                assert!(
                    (exact - slow).abs() <= 1e-3 * slow.max(1.0),
                    "[{a}, {b}): {exact} vs {slow}"
                );
            }
        }
    }

    #[test]
    fn diurnal_mean_over_a_day_is_rps_and_max_is_exact() {
        let p = RateProfile::from_config(
            &region(
                7.0,
                TrafficPatternConfig::Diurnal {
                    peak_hour: 13.0,
                    amplitude: 0.6,
                },
                vec![],
            ),
            None,
        )
        .unwrap();
        let day = SimDuration::from_hours(24);
        for start in [0.0, 5_000.0] {
            let m = p.mean_rate_over(at(start), at(start) + day);
            assert!((m - 7.0).abs() < 1e-9, "{m}");
        }
        assert!((p.max_rate() - 7.0 * 1.6).abs() < 1e-12);
        assert!((p.rate_at(at(13.0 * 3600.0)) - 7.0 * 1.6).abs() < 1e-9);
        assert!((p.rate_at(at(1.0 * 3600.0)) - 7.0 * 0.4).abs() < 1e-9);
    }

    #[test]
    fn overlapping_spikes_multiply_and_bound_the_max() {
        let p = RateProfile::from_config(
            &region(
                2.0,
                TrafficPatternConfig::Constant,
                vec![spike(10, 10, 3.0), spike(15, 10, 5.0), spike(100, 1, 4.0)],
            ),
            None,
        )
        .unwrap();
        assert_eq!(p.rate_at(at(9.0)), 2.0);
        assert_eq!(p.rate_at(at(12.0)), 6.0);
        assert_eq!(p.rate_at(at(15.0)), 30.0);
        assert_eq!(p.rate_at(at(20.0)), 10.0);
        assert_eq!(p.rate_at(at(25.0)), 2.0);
        assert_eq!(p.max_rate(), 30.0);
    }

    #[test]
    fn rejects_bad_settings_naming_the_field() {
        let bad = [
            (
                region(-1.0, TrafficPatternConfig::Constant, vec![]),
                "`rps`",
            ),
            (
                region(f64::NAN, TrafficPatternConfig::Constant, vec![]),
                "`rps`",
            ),
            (
                region(
                    1.0,
                    TrafficPatternConfig::Diurnal {
                        peak_hour: 3.0,
                        amplitude: 1.5,
                    },
                    vec![],
                ),
                "`pattern.amplitude`",
            ),
            (
                region(
                    1.0,
                    TrafficPatternConfig::Diurnal {
                        peak_hour: -3.0,
                        amplitude: 0.5,
                    },
                    vec![],
                ),
                "`pattern.peak_hour`",
            ),
            (
                region(
                    1.0,
                    TrafficPatternConfig::Constant,
                    vec![spike(0, 1, 1.0), spike(0, 1, -2.0)],
                ),
                "`spikes[1].multiplier`",
            ),
            (
                region(
                    1.0,
                    TrafficPatternConfig::Trace {
                        file: "x.csv".into(),
                    },
                    vec![],
                ),
                "x.csv",
            ),
        ];
        for (r, needle) in bad {
            let e = RateProfile::from_config(&r, None).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }
}
