//! # sim-models
//!
//! The DevOps world built on `sim-core`: scenario files and their three
//! profiles ([`scenario`]), open-loop traffic ([`traffic`]), the app fleet
//! and its balancers ([`fleet`]), requests in flight ([`request`]), the
//! [`world::World`] model that ties them together, and the run report
//! ([`report`]).
//!
//! ```
//! use std::ops::ControlFlow;
//! use sim_core::SimDuration;
//! use sim_models::run::run_scenario;
//! use sim_models::scenario::{Profile, ScenarioConfig};
//!
//! let mut scenario = ScenarioConfig::preset(Profile::Production);
//! scenario.duration = SimDuration::from_mins(1);
//! let (report, _world) = run_scenario(&scenario, 7, |_| ControlFlow::Continue(())).unwrap();
//! assert!(report.conservation.holds);
//! assert!(report.overall.availability > 0.99);
//! println!("{}", report.to_table());
//! ```
#![warn(missing_docs)]

pub mod alerting;
pub mod autoscale;
pub mod deploy;
pub mod error;
pub mod fleet;
pub mod pipeline;
pub mod report;
pub mod request;
pub mod run;
pub mod scenario;
pub mod traffic;
pub mod world;
