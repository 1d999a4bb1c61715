//! The scenario file's types. Every struct refuses unknown fields and takes
//! its defaults from the chosen profile (see `profile.rs`), so a file only
//! says what differs. Durations are strings (`"250ms"`, `"1h30m"`).
//!
//! Some sections (database, cache, monitoring, deployment, feature flags)
//! are accepted as configuration now and simulated by later work; the run
//! report never claims results for them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sim_core::SimDuration;

use crate::alerting::AlertingConfig;
use crate::autoscale::HpaConfig;
use crate::deploy::{CanaryConfig, RollingUpdateConfig};
use crate::pipeline::PipelineConfig;

/// A whole scenario: what runs, under which traffic, for how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// A name for reports.
    pub name: String,
    /// The profile whose defaults fill everything the file leaves out.
    pub profile: Profile,
    /// The root seed; `--seed` overrides it.
    pub seed: u64,
    /// Simulated time to run.
    #[schemars(with = "String")]
    pub duration: SimDuration,
    /// Users and what they send.
    pub workload: WorkloadConfig,
    /// The application instances.
    pub fleet: FleetConfig,
    /// How each region's balancer picks an instance.
    pub load_balancer: LoadBalancerConfig,
    /// Transport and credential settings (checked by `validate`).
    pub security: SecurityConfig,
    /// PostgreSQL (configuration only for now).
    pub database: DatabaseConfig,
    /// Redis sessions (configuration only for now).
    pub cache: CacheConfig,
    /// Metrics, logs and alerts.
    pub monitoring: MonitoringConfig,
    /// How releases reach the fleet (configuration only for now).
    pub deployment: DeploymentConfig,
    /// CI: commits, builds on a runner pool, unit tests, artifacts.
    #[serde(default)]
    pub pipeline: PipelineConfig,
    /// Experimental features.
    pub features: FeatureFlags,
}

/// The three environments of the architecture.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// One instance on a laptop-like single host, verbose, relaxed security.
    Development,
    /// Auto-scaled, replicated, monitored, hardened.
    Production,
    /// Production plus the experimental feature flags.
    Experimental,
}

/// Open-loop traffic: users in regions sending a mix of request classes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkloadConfig {
    /// Where users are and how much they send.
    pub regions: Vec<UserRegionConfig>,
    /// The request mix; fractions sum to 1.
    pub classes: Vec<RequestClassConfig>,
}

/// Users in one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRegionConfig {
    /// Region name, e.g. `us-east-1`; requests go to the fleet region of the same name.
    pub name: String,
    /// Mean request rate, requests per second.
    pub rps: f64,
    /// How the rate varies over time.
    #[serde(default)]
    pub pattern: TrafficPatternConfig,
    /// Short bursts on top of the pattern.
    #[serde(default)]
    pub spikes: Vec<SpikeConfig>,
}

/// The shape of a region's request rate over time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TrafficPatternConfig {
    /// Always `rps`.
    #[default]
    Constant,
    /// `rps × (1 + amplitude × cos(2π (hour − peak_hour) / 24))`: a daily cycle
    /// whose mean over a day is `rps`.
    Diurnal {
        /// Hour of day (0–24, simulation starts at midnight) of the peak.
        peak_hour: f64,
        /// Relative swing, 0–1.
        amplitude: f64,
    },
    /// Replays a CSV of `time,rate` rows (time as a duration or seconds, rate in
    /// requests per second), holding each rate until the next row; `rps` scales it
    /// (1.0 keeps the trace as it is).
    Trace {
        /// The CSV file, relative to the scenario file.
        file: PathBuf,
    },
}

/// A burst: the rate is multiplied by `multiplier` from `at` for `duration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpikeConfig {
    /// When it starts.
    #[schemars(with = "String")]
    pub at: SimDuration,
    /// How long it lasts.
    #[schemars(with = "String")]
    pub duration: SimDuration,
    /// Rate multiplier, ≥ 0.
    pub multiplier: f64,
}

/// The kinds of request; each names the hops it takes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestClass {
    /// Reads (served by the app; later also a database replica).
    Read,
    /// Writes (later also the database primary).
    Write,
    /// Logins (later also the OAuth provider and the session store).
    Login,
}

/// One class of the request mix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestClassConfig {
    /// Which class.
    pub class: RequestClass,
    /// Share of all requests, 0–1.
    pub fraction: f64,
    /// Multiplier on the version's service time (a write costs more than a read).
    #[serde(default = "one")]
    pub work_factor: f64,
    /// Request size in bytes (network in).
    #[serde(default)]
    pub request_bytes: u64,
    /// Response size in bytes (network out).
    #[serde(default)]
    pub response_bytes: u64,
}

fn one() -> f64 {
    1.0
}

/// The application fleet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetConfig {
    /// The port the app listens on (3000 in development, 8080 in production).
    pub port: u16,
    /// The debugger port, development only (9229).
    pub debugger_port: Option<u16>,
    /// Hot reload, development only.
    pub hot_reload: bool,
    /// Instances per region.
    pub regions: Vec<FleetRegionConfig>,
    /// Requests one instance serves at once.
    pub slots_per_instance: u32,
    /// Requests that may wait for a slot on one instance; more are rejected.
    pub queue_limit: u32,
    /// From start to process up (before readiness checks can pass).
    #[schemars(with = "String")]
    pub cold_start: SimDuration,
    /// A request not answered by then fails as timed out.
    #[schemars(with = "String")]
    pub request_timeout: SimDuration,
    /// The release the fleet runs; must be one of `versions`.
    pub version: String,
    /// Releases and how they behave.
    pub versions: Vec<VersionConfig>,
    /// Readiness probe: gates traffic to an instance.
    pub readiness_probe: ProbeConfig,
    /// Liveness probe: restarts a hung instance.
    pub liveness_probe: ProbeConfig,
    /// What one instance has and uses.
    pub resources: InstanceResourcesConfig,
    /// Horizontal auto-scaling: one Kubernetes HPA per fleet region
    /// (`HorizontalPodAutoscaler.spec` with its defaults; `enabled: false` to turn off).
    #[serde(default)]
    pub autoscaling: HpaConfig,
    /// The nodes instances run on, per fleet region.
    pub nodes: NodesConfig,
}

/// Node capacity per fleet region: an instance needs a free pod slot on a
/// node; when none is free it waits as pending while a node is provisioned
/// (cluster-autoscaler-like), up to `max`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodesConfig {
    /// Instances one node holds.
    pub pods_per_node: u32,
    /// Nodes running at time zero, per region.
    pub initial: u32,
    /// The most nodes a region may have.
    pub max: u32,
    /// From asking for a node to the node accepting pods.
    #[schemars(with = "String")]
    pub provision_delay: SimDuration,
}

/// Instances in one region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FleetRegionConfig {
    /// Region name.
    pub name: String,
    /// Instances started at time zero.
    pub instances: u32,
}

/// A release's behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionConfig {
    /// Version name, e.g. `v1.4.2`.
    pub name: String,
    /// Median service time of a request with work factor 1.
    #[schemars(with = "String")]
    pub service_median: SimDuration,
    /// 99th percentile of the service time (log-normal fitted to both).
    #[schemars(with = "String")]
    pub service_p99: SimDuration,
    /// Share of requests that fail with a server error, 0–1.
    #[serde(default)]
    pub error_rate: f64,
    /// Multiplier on service time (1.5: a release 50 % slower).
    #[serde(default = "one")]
    pub latency_factor: f64,
    /// Multiplier on the CPU a request burns, without changing its latency.
    #[serde(default = "one")]
    pub cpu_factor: f64,
    /// Memory an instance leaks per hour of uptime; at the memory limit it is
    /// OOM-killed and restarted.
    #[serde(default)]
    pub memory_leak_bytes_per_hour: u64,
    /// Chance that a start crashes (a crash loop when it is high).
    #[serde(default)]
    pub crash_on_start_probability: f64,
    /// Start-up time of this release; `fleet.cold_start` when absent.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub startup_time: Option<SimDuration>,
}

impl VersionConfig {
    /// A well-behaved release with this service time: no errors, leaks or
    /// crashes, factors 1, the fleet's cold start.
    pub fn new(name: &str, service_median: SimDuration, service_p99: SimDuration) -> Self {
        VersionConfig {
            name: name.to_owned(),
            service_median,
            service_p99,
            error_rate: 0.0,
            latency_factor: 1.0,
            cpu_factor: 1.0,
            memory_leak_bytes_per_hour: 0,
            crash_on_start_probability: 0.0,
            startup_time: None,
        }
    }
}

/// A Kubernetes probe; defaults are the Kubernetes Probe API's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeConfig {
    /// Whether the probe runs at all.
    pub enabled: bool,
    /// Wait after the container starts before the first probe.
    #[schemars(with = "String")]
    pub initial_delay: SimDuration,
    /// Time between probes.
    #[schemars(with = "String")]
    pub period: SimDuration,
    /// A probe not answered within this fails.
    #[schemars(with = "String")]
    pub timeout: SimDuration,
    /// Consecutive successes to count as passing.
    pub success_threshold: u32,
    /// Consecutive failures to count as failing.
    pub failure_threshold: u32,
}

impl Default for ProbeConfig {
    /// Kubernetes defaults: initialDelaySeconds 0, periodSeconds 10,
    /// timeoutSeconds 1, successThreshold 1, failureThreshold 3.
    fn default() -> Self {
        ProbeConfig {
            enabled: true,
            initial_delay: SimDuration::ZERO,
            period: SimDuration::from_secs(10),
            timeout: SimDuration::from_secs(1),
            success_threshold: 1,
            failure_threshold: 3,
        }
    }
}

/// What one instance has and what serving costs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceResourcesConfig {
    /// CPU cores; utilisation is busy slots × service time over cores.
    pub cpu_cores: f64,
    /// Memory limit in bytes.
    pub memory_limit_bytes: u64,
    /// Resident memory when idle.
    pub base_memory_bytes: u64,
    /// Extra memory per request in flight.
    pub memory_per_request_bytes: u64,
    /// Log volume written per request (disk).
    pub log_bytes_per_request: u64,
}

/// The regional balancer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerConfig {
    /// How an instance is picked among the ready ones.
    pub policy: BalancerPolicyKind,
    /// With `weighted`: share of traffic per version name (normalised).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Requests that may wait at the balancer, in one FIFO line, when every
    /// routable instance's slots and queue are full (a proxy's backend queue,
    /// like HAProxy's); beyond that they are rejected. 0: no line.
    #[serde(default)]
    pub queue_limit: u32,
}

/// Load-balancing policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BalancerPolicyKind {
    /// Each ready instance in turn.
    RoundRobin,
    /// The ready instance with the fewest requests in flight (ties: lowest index).
    LeastOutstanding,
    /// Versions by weight, then least outstanding within the version.
    Weighted,
}

/// Transport and credential settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityConfig {
    /// TLS on every external connection.
    pub tls: bool,
    /// CORS open to every origin.
    pub cors_open: bool,
    /// Credentials in plain text in configuration.
    pub plaintext_credentials: bool,
    /// TLS between app and database.
    pub encrypted_db_connections: bool,
}

/// PostgreSQL (configuration only for now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Where it runs.
    pub hosting: DatabaseHosting,
    /// Read replicas beside the primary.
    pub replicas: u32,
    /// Automated base backups and WAL archiving.
    pub automated_backups: bool,
}

/// Where PostgreSQL runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseHosting {
    /// A local instance on the developer's host.
    Local,
    /// A replicated cluster.
    Cluster,
    /// Distributed PostgreSQL with learned query routing (experimental).
    Distributed,
}

/// Redis sessions (configuration only for now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheConfig {
    /// Whether sessions are kept in Redis.
    pub enabled: bool,
    /// Session time to live.
    #[schemars(with = "String")]
    pub session_ttl: SimDuration,
}

/// Metrics, logs and alerts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringConfig {
    /// How often metrics are sampled into the time series.
    #[schemars(with = "String")]
    pub scrape_interval: SimDuration,
    /// Where logs go.
    pub logging: LoggingMode,
    /// Verbose diagnostics (every request in the event log).
    pub verbose: bool,
    /// Prometheus + Grafana-style monitoring.
    pub prometheus: bool,
    /// Alert rules (Prometheus rule-file groups) and the Alertmanager that
    /// notifies on them; evaluated only with `prometheus: true`.
    #[serde(default)]
    pub alerting: AlertingConfig,
}

/// Where logs go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoggingMode {
    /// Human-readable lines on the console.
    Console,
    /// Structured (NDJSON) logs.
    Structured,
}

/// How releases reach the fleet (configuration only for now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentConfig {
    /// The rollout strategy.
    pub strategy: DeploymentStrategy,
    /// The primary region.
    pub primary_region: String,
    /// The region to fail over to.
    pub failover_region: Option<String>,
    /// The rolling update (also the deadline and rollback rules of a canary).
    #[serde(default)]
    pub rolling: RollingUpdateConfig,
    /// The canary analysis (`strategy: canary`).
    #[serde(default)]
    pub canary: CanaryConfig,
    /// Releases to ship, in order.
    #[serde(default)]
    pub releases: Vec<ReleaseConfig>,
}

/// A release to ship.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    /// The version, one of `fleet.versions`.
    pub version: String,
    /// When to ship it; without it the pipeline's next green build ships it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<SimDuration>,
}

/// Rollout strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentStrategy {
    /// A Compose-like single-host restart.
    Compose,
    /// Kubernetes rolling update.
    Rolling,
    /// Canary with traffic shifting and automatic rollback.
    Canary,
}

/// The experimental features; `validated` says they passed validation and may
/// go to production.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FeatureFlags {
    /// Several clouds behind anycast.
    pub multi_cloud: bool,
    /// The linfa anomaly detector.
    pub ai_anomaly_detection: bool,
    /// Canary with automatic rollback (a marker for the hardening check:
    /// `deployment.strategy: canary` is what turns the canary on).
    pub canary_auto_rollback: bool,
    /// Distributed PostgreSQL with learned query routing.
    pub distributed_postgres: bool,
    /// The chaos harness.
    pub chaos_harness: bool,
    /// The flags above were validated and may be promoted.
    pub validated: bool,
}
