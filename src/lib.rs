//! DevOps Simulator.
pub use sim_core;
