//! The hardening check: "never promote to production without hardening".
//!
//! A scenario is production-ready only without development-only settings
//! (debugger port, hot reload, local database, Compose-like deployment,
//! verbose diagnostics), with TLS on, no plain-text credentials, CORS closed,
//! encrypted database connections, and experimental features either off or
//! marked `features.validated`.

use super::config::{DatabaseHosting, DeploymentStrategy, ScenarioConfig};
use crate::error::Problem;

/// Every reason `config` is not production-ready, each with its field path;
/// empty when it is.
pub fn hardening_violations(config: &ScenarioConfig) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut flag = |on: bool, path: &str, reason: &str| {
        if on {
            found.push(Problem::new(path, reason));
        }
    };
    let fleet = &config.fleet;
    flag(
        fleet.debugger_port.is_some(),
        "fleet.debugger_port",
        "a debugger port is development-only: it lets anyone who reaches it run code",
    );
    flag(
        fleet.hot_reload,
        "fleet.hot_reload",
        "hot reload is development-only: releases must go through the deployment pipeline",
    );
    flag(
        config.database.hosting == DatabaseHosting::Local,
        "database.hosting",
        "a local database is development-only: production needs a replicated cluster",
    );
    flag(
        config.deployment.strategy == DeploymentStrategy::Compose,
        "deployment.strategy",
        "a Compose-like single-host stack is development-only: use rolling or canary",
    );
    flag(
        config.monitoring.verbose,
        "monitoring.verbose",
        "verbose diagnostics are development-only: they log every request",
    );
    let security = &config.security;
    flag(
        !security.tls,
        "security.tls",
        "TLS must be on for every external connection",
    );
    flag(
        security.plaintext_credentials,
        "security.plaintext_credentials",
        "credentials must not be in plain text",
    );
    flag(
        security.cors_open,
        "security.cors_open",
        "CORS must not be open to every origin",
    );
    flag(
        !security.encrypted_db_connections,
        "security.encrypted_db_connections",
        "database connections must be encrypted",
    );
    let f = &config.features;
    if !f.validated {
        for (on, name) in [
            (f.multi_cloud, "multi_cloud"),
            (f.ai_anomaly_detection, "ai_anomaly_detection"),
            (f.canary_auto_rollback, "canary_auto_rollback"),
            (f.distributed_postgres, "distributed_postgres"),
            (f.chaos_harness, "chaos_harness"),
        ] {
            if on {
                found.push(Problem::new(
                    format!("features.{name}"),
                    "experimental feature is on but not validated (set features.validated once it is)",
                ));
            }
        }
    }
    found
}

impl ScenarioConfig {
    /// Every reason this scenario is not production-ready; see
    /// [`hardening_violations`].
    pub fn hardening_violations(&self) -> Vec<Problem> {
        hardening_violations(self)
    }
}
