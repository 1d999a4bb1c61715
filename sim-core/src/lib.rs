//! # sim-core
//!
//! A deterministic, domain-free discrete-event simulation engine.
#![warn(missing_docs)]

pub mod error;
pub mod record;
pub mod replicate;
pub mod rng;
pub mod stats;
pub mod time;

pub use error::{Error, Result};
pub use rng::SimRng;
pub use time::{SimDuration, SimTime};
