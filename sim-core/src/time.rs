//! Simulated time as integer nanoseconds.
//!
//! The engine never holds time as `f64`, so the order of events never depends on
//! rounding. Durations read and print in a human form — `"250ms"`, `"15s"`,
//! `"1h30m"` — which is also their serde representation, so scenario files stay
//! readable.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DurationParseError;

const NS_PER_US: u64 = 1_000;
const NS_PER_MS: u64 = 1_000_000;
const NS_PER_S: u64 = 1_000_000_000;
const NS_PER_MIN: u64 = 60 * NS_PER_S;
const NS_PER_H: u64 = 60 * NS_PER_MIN;
const NS_PER_D: u64 = 24 * NS_PER_H;

/// Units accepted by the parser, longest suffix first so `ms` is not read as `m`.
const UNITS: [(&str, u64); 8] = [
    ("ns", 1),
    ("us", NS_PER_US),
    ("µs", NS_PER_US),
    ("ms", NS_PER_MS),
    ("s", NS_PER_S),
    ("m", NS_PER_MIN),
    ("h", NS_PER_H),
    ("d", NS_PER_D),
];

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

/// An instant of simulated time: nanoseconds since the start of the run.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable span (about 584 years).
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    /// A duration of `ns` nanoseconds.
    pub const fn from_nanos(ns: u64) -> Self {
        SimDuration(ns)
    }
    /// A duration of `us` microseconds (saturating).
    pub const fn from_micros(us: u64) -> Self {
        SimDuration(us.saturating_mul(NS_PER_US))
    }
    /// A duration of `ms` milliseconds (saturating).
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms.saturating_mul(NS_PER_MS))
    }
    /// A duration of `s` seconds (saturating).
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(NS_PER_S))
    }
    /// A duration of `m` minutes (saturating).
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m.saturating_mul(NS_PER_MIN))
    }
    /// A duration of `h` hours (saturating).
    pub const fn from_hours(h: u64) -> Self {
        SimDuration(h.saturating_mul(NS_PER_H))
    }

    /// A duration from fractional seconds, rounded to the nearest nanosecond.
    ///
    /// This is where sampled `f64` values enter integer time. Negative or NaN
    /// input yields [`SimDuration::ZERO`] and values beyond the range saturate,
    /// so a sampled distribution can never move time backwards.
    pub fn from_secs_f64(s: f64) -> Self {
        // Adding one half and truncating rounds to nearest for the positive
        // values that reach the cast, without a call to `round`.
        let ns = s * NS_PER_S as f64 + 0.5;
        if ns.is_nan() || ns < 1.0 {
            SimDuration::ZERO
        } else if ns >= u64::MAX as f64 {
            SimDuration::MAX
        } else {
            SimDuration(ns as u64)
        }
    }

    /// The span in nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// The span in fractional seconds (for statistics and reports, never for ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    /// `self + rhs`, or `None` on overflow.
    pub const fn checked_add(self, rhs: SimDuration) -> Option<SimDuration> {
        match self.0.checked_add(rhs.0) {
            Some(ns) => Some(SimDuration(ns)),
            None => None,
        }
    }
    /// `self − rhs`, or zero if `rhs` is longer.
    pub const fn saturating_sub(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(rhs.0))
    }
    /// `self × k`, saturating.
    pub const fn saturating_mul(self, k: u64) -> SimDuration {
        SimDuration(self.0.saturating_mul(k))
    }
}

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The end of representable time; `run_until(SimTime::MAX)` runs to exhaustion.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `ns` nanoseconds after the start.
    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }
    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// Fractional seconds since the start (for statistics and reports, never for ordering).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    /// Time elapsed since the start, as a duration.
    pub const fn since_start(self) -> SimDuration {
        SimDuration(self.0)
    }
    /// `self + d`, or `None` past [`SimTime::MAX`].
    pub const fn checked_add(self, d: SimDuration) -> Option<SimTime> {
        match self.0.checked_add(d.0) {
            Some(ns) => Some(SimTime(ns)),
            None => None,
        }
    }
    /// `self + d`, stopping at [`SimTime::MAX`].
    pub const fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::MAX`] instead of wrapping around to the past.
    fn add(self, d: SimDuration) -> SimTime {
        self.saturating_add(d)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// The span between two instants; saturates at zero if `rhs` is later.
    fn sub(self, rhs: SimTime) -> SimDuration {
        self.saturating_since(rhs)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    /// Saturates at [`SimDuration::MAX`].
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, rhs: SimDuration) {
        *self = *self + rhs;
    }
}

impl From<std::time::Duration> for SimDuration {
    fn from(d: std::time::Duration) -> Self {
        SimDuration(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

impl From<SimDuration> for std::time::Duration {
    fn from(d: SimDuration) -> Self {
        std::time::Duration::from_nanos(d.0)
    }
}

impl FromStr for SimDuration {
    type Err = DurationParseError;

    /// Parses a sequence of `<number><unit>` parts: `"250ms"`, `"1.5s"`, `"1h30m"`.
    /// Units: `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`, `d`. A bare `"0"` is zero.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| DurationParseError {
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let s = text.trim();
        if s.is_empty() {
            return Err(err("empty string"));
        }
        if s == "0" {
            return Ok(SimDuration::ZERO);
        }
        let mut rest = s;
        let mut total: u64 = 0;
        while !rest.is_empty() {
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(|| err("a number needs a unit (ns, us, ms, s, m, h, d)"))?;
            if num_len == 0 {
                return Err(err("expected a number before each unit"));
            }
            let number = &rest[..num_len];
            rest = &rest[num_len..];
            let (unit, scale) = UNITS
                .iter()
                .filter(|(u, _)| rest.starts_with(u))
                .max_by_key(|(u, _)| u.len())
                .ok_or_else(|| err("unknown unit (expected ns, us, ms, s, m, h or d)"))?;
            rest = &rest[unit.len()..];
            total = total
                .checked_add(scale_number(number, *scale).ok_or_else(|| err("bad number"))?)
                .ok_or_else(|| err("too long (over 584 years)"))?;
        }
        Ok(SimDuration(total))
    }
}

/// `number × scale` in integer arithmetic, so `"0.1s"` is exactly 100 ms.
fn scale_number(number: &str, scale: u64) -> Option<u64> {
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return None;
    }
    let int: u64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let mut total = int.checked_mul(scale)?;
    let mut place = scale;
    for digit in frac_part.bytes() {
        place /= 10;
        total = total.checked_add(u64::from(digit - b'0') * place)?;
    }
    Some(total)
}

impl fmt::Display for SimDuration {
    /// Prints the shortest exact form: `1h30m`, `250ms`, `1s500ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, scale) in [
            ("d", NS_PER_D),
            ("h", NS_PER_H),
            ("m", NS_PER_MIN),
            ("s", NS_PER_S),
            ("ms", NS_PER_MS),
            ("us", NS_PER_US),
            ("ns", 1),
        ] {
            if rest >= scale {
                write!(f, "{}{unit}", rest / scale)?;
                rest %= scale;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for SimTime {
    /// Prints the time since the start, e.g. `t=1h30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", SimDuration(self.0))
    }
}

impl fmt::Debug for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for SimDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for SimTime {
    /// Serialized as the duration since the start, e.g. `"1h30m"`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SimDuration(self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for SimTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SimTime(SimDuration::deserialize(d)?.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> SimDuration {
        s.parse().unwrap()
    }

    #[test]
    fn parses_human_forms() {
        assert_eq!(d("250ms"), SimDuration::from_millis(250));
        assert_eq!(d("15s"), SimDuration::from_secs(15));
        assert_eq!(d("1h30m"), SimDuration::from_mins(90));
        assert_eq!(d("1.5s"), SimDuration::from_millis(1500));
        assert_eq!(d("0.1s"), SimDuration::from_millis(100));
        assert_eq!(d("2d"), SimDuration::from_hours(48));
        assert_eq!(d("10us"), SimDuration::from_micros(10));
        assert_eq!(d("7ns"), SimDuration::from_nanos(7));
        assert_eq!(d(" 0 "), SimDuration::ZERO);
    }

    #[test]
    fn prints_shortest_exact_form_and_round_trips() {
        for text in ["0s", "250ms", "15s", "1h30m", "1s500ms", "2d3h", "1m1ns"] {
            assert_eq!(d(text).to_string(), text);
        }
        for ns in [1, 999, 1_000_000_001, 86_400_000_000_123, u64::MAX] {
            let x = SimDuration::from_nanos(ns);
            assert_eq!(d(&x.to_string()), x);
        }
    }

    #[test]
    fn rejects_bad_strings_saying_what_was_expected() {
        for bad in [
            "",
            "15",
            "s",
            "1x",
            "1.2.3s",
            "-5s",
            "1h30",
            "ms5",
            "99999999999999999999h",
        ] {
            let e = bad.parse::<SimDuration>().unwrap_err();
            assert!(e.to_string().contains("duration"), "{bad}: {e}");
        }
        let e = "15".parse::<SimDuration>().unwrap_err().to_string();
        assert!(e.contains("unit"), "{e}");
    }

    #[test]
    fn serde_uses_the_human_form() {
        let x: SimDuration = serde_json::from_str("\"1h30m\"").unwrap();
        assert_eq!(x, SimDuration::from_mins(90));
        assert_eq!(serde_json::to_string(&x).unwrap(), "\"1h30m\"");
        assert!(serde_json::from_str::<SimDuration>("\"soon\"").is_err());
    }

    #[test]
    fn float_seconds_never_go_negative() {
        assert_eq!(SimDuration::from_secs_f64(-1.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(1e30), SimDuration::MAX);
        assert_eq!(
            SimDuration::from_secs_f64(0.25),
            SimDuration::from_millis(250)
        );
    }
}
