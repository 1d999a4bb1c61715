//! Scenario files: types, profiles, loading (YAML, JSON, TOML), validation
//! with field paths, the JSON Schema, and the hardening check.

pub mod config;
pub mod hardening;
pub mod load;
pub mod profile;
pub mod schema;
pub mod validate;

pub use config::*;
pub use hardening::hardening_violations;
pub use load::{from_value, load_path, load_str};
pub use profile::defaults;
pub use schema::json_schema;
pub use validate::validate;

pub use crate::error::{Format, Problem, ScenarioError};
