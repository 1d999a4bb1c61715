//! # sim-core
//!
//! A deterministic, domain-free discrete-event simulation engine.
#![warn(missing_docs)]

pub mod classic;
pub mod dist;
pub mod error;
pub mod model;
pub mod queue;
pub mod record;
pub mod replicate;
pub mod rng;
pub mod simulation;
pub mod stats;
pub mod time;

pub use dist::Dist;
pub use error::{Error, Result};
pub use model::{Context, Model, RngStreams};
pub use queue::{EventKey, EventQueue};
pub use rng::SimRng;
pub use simulation::{Progress, RunSummary, Simulation, StopReason};
pub use time::{SimDuration, SimTime};
