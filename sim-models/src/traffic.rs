//! Open-loop traffic: how many requests each user region sends, when, and of
//! which class.
//!
//! - [`RateProfile`] is a region's request rate λ(t) in requests per second:
//!   constant, diurnal (`rps × (1 + amplitude × cos(2π (hour − peak_hour) / 24))`,
//!   time zero is midnight) or a replayed [`Trace`] (each row's rate held until
//!   the next row), multiplied by any spikes active at `t`.
//! - [`Trace`] reads a `time,rate` CSV; every error names the file, the line and
//!   the column.
//! - [`ArrivalProcess`] draws the arrival times of a non-homogeneous Poisson
//!   process with rate λ(t) by thinning (Lewis & Shedler, 1979), against a
//!   piecewise upper bound of λ so that few candidates are rejected; where λ is
//!   constant (constant pattern, trace rows, spikes) there is no rejection step.
//! - [`RequestMix`] picks a request class from the mix's fractions with one
//!   uniform draw.
//!
//! Every draw comes from the [`SimRng`](sim_core::SimRng) passed in, nothing
//! else; give each region its own named stream (`"traffic/us-east-1"`) and
//! the mix another, so that changing one never shifts the others' draws.
//! Drawing an arrival or a class allocates nothing.
//!
//! ```
//! use sim_models::scenario::{TrafficPatternConfig, UserRegionConfig};
//! use sim_models::traffic::{ArrivalProcess, RateProfile};
//! use sim_core::{SimRng, SimTime};
//!
//! let region = UserRegionConfig {
//!     name: "eu-west-1".into(),
//!     rps: 20.0,
//!     pattern: TrafficPatternConfig::Constant,
//!     spikes: vec![],
//! };
//! let mut arrivals = ArrivalProcess::new(RateProfile::from_config(&region, None).unwrap());
//! let mut rng = SimRng::stream(7, "traffic/eu-west-1");
//! let (mut now, mut n) = (SimTime::ZERO, 0u32);
//! let end = SimTime::from_nanos(600 * 1_000_000_000); // ten minutes
//! while let Some(t) = arrivals.next_arrival(now, &mut rng).filter(|&t| t < end) {
//!     (now, n) = (t, n + 1);
//! }
//! let expected = 20.0 * 600.0;
//! assert!((f64::from(n) - expected).abs() < 4.0 * f64::sqrt(expected), "{n} arrivals");
//! ```

mod arrivals;
mod error;
mod mix;
mod rate;
mod trace;

pub use arrivals::ArrivalProcess;
pub use error::TrafficError;
pub use mix::RequestMix;
pub use rate::RateProfile;
pub use trace::{Trace, TraceRow};
