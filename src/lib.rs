//! # DevOps Simulator
//!
//! The facade of the workspace: it re-exports the engine ([`sim_core`]) and
//! the DevOps models ([`sim_models`]). Most programs need only the [`prelude`].
//!
//! ```
//! use devops_sim::prelude::*;
//! use devops_sim::sim_core::classic::MultiServerQueue;
//!
//! // An M/M/2 queue at 50 % load, 20k customers.
//! let model = MultiServerQueue::new(
//!     2,
//!     Dist::exponential(1.0).unwrap(),
//!     Dist::exponential(1.0).unwrap(),
//!     20_000,
//!     2_000,
//!     1,
//! );
//! let mut sim = Simulation::new(model, 1);
//! let summary = sim.run();
//! assert_eq!(summary.reason, StopReason::Exhausted);
//! assert_eq!(summary.events, 40_000);
//! ```
#![warn(missing_docs)]

pub use sim_core;
pub use sim_models;

/// The names most simulations use.
pub mod prelude {
    pub use sim_core::record::{EventLog, Recorder};
    pub use sim_core::replicate::{replicate, sweep};
    pub use sim_core::stats::{ConfidenceInterval, Summary};
    pub use sim_core::{
        Context, Dist, Error, EventKey, Model, Result, RunSummary, SimDuration, SimRng, SimTime,
        Simulation, StopReason,
    };
    pub use sim_models::report::RunReport;
    pub use sim_models::run::{build_world, run_scenario};
    pub use sim_models::scenario::{Profile, ScenarioConfig};
}
