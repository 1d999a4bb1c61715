//! The application fleet: instances (pods) in regions, and the regional
//! balancers that spread requests over the ready ones.

pub mod balancer;
pub mod instance;
