//! The three profiles' defaults: everything a scenario file leaves out.
//!
//! Numbers that model a real system carry their source (see `shared`'s
//! REFERENCE.md): Kubernetes probe defaults, Prometheus' shipped example
//! scrape interval. The rest are plain, documented choices for a small web
//! app and can be overridden in any scenario file.

use std::collections::BTreeMap;

use sim_core::SimDuration;

use super::config::*;
use crate::alerting::{AlertingConfig, DelayConfig, ReceiverConfig, RuleFileConfig};
use crate::autoscale::{HpaConfig, MetricTarget};
use crate::deploy::{CanaryConfig, RollbackOnConfig, RollingUpdateConfig};
use crate::pipeline::{CommitsConfig, DevLoopConfig, PipelineConfig};

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// The full scenario a profile stands for; a file is merged onto it.
///
/// - `development`: one app instance on port 3000 with the debugger on 9229
///   and hot reload, a local PostgreSQL, Redis, a Compose-like single-host
///   stack, console logging with verbose diagnostics, relaxed security.
/// - `production`: app on 8080 with horizontal auto-scaling, PostgreSQL
///   primary with two replicas and automated backups, Prometheus + Grafana
///   monitoring with email alerts, Kubernetes rolling updates, TLS and
///   encrypted database connections, us-east-1 primary failing over to
///   us-west-2, diurnal traffic averaging 1,000 requests/s.
/// - `experimental`: production plus every experimental feature flag (not
///   yet `validated`), canary deployments and distributed PostgreSQL.
pub fn defaults(profile: Profile) -> ScenarioConfig {
    match profile {
        Profile::Development => development(),
        Profile::Production => production(),
        Profile::Experimental => experimental(),
    }
}

/// The request mix shared by the profiles: mostly reads; writes cost three
/// times a read's work, logins twice (token issue and session write).
fn classes() -> Vec<RequestClassConfig> {
    let class = |class, fraction, work_factor, request_bytes, response_bytes| RequestClassConfig {
        class,
        fraction,
        work_factor,
        request_bytes,
        response_bytes,
    };
    vec![
        class(RequestClass::Read, 0.80, 1.0, 600, 8 * 1024),
        class(RequestClass::Write, 0.15, 3.0, 2 * 1024, 1024),
        class(RequestClass::Login, 0.05, 2.0, 1024, 2 * 1024),
    ]
}

fn development() -> ScenarioConfig {
    ScenarioConfig {
        name: "development".into(),
        profile: Profile::Development,
        seed: 1,
        duration: SimDuration::from_mins(10),
        workload: WorkloadConfig {
            // One developer clicking around plus a test script.
            regions: vec![UserRegionConfig {
                name: "local".into(),
                rps: 5.0,
                pattern: TrafficPatternConfig::Constant,
                spikes: Vec::new(),
            }],
            classes: classes(),
        },
        fleet: FleetConfig {
            // 3000 is the usual Node.js development port; 9229 is the
            // Node.js inspector's default port.
            port: 3000,
            debugger_port: Some(9229),
            hot_reload: true,
            regions: vec![FleetRegionConfig {
                name: "local".into(),
                instances: 1,
            }],
            slots_per_instance: 4,
            queue_limit: 100,
            cold_start: SimDuration::from_secs(2),
            request_timeout: SimDuration::from_secs(30),
            version: "dev".into(),
            // Unoptimised builds with source maps and verbose logging.
            versions: vec![VersionConfig::new(
                "dev",
                SimDuration::from_millis(40),
                SimDuration::from_millis(400),
            )],
            // Kubernetes Probe API defaults (initialDelay 0 s, period 10 s,
            // timeout 1 s, success 1, failure 3): a Compose healthcheck is alike.
            readiness_probe: ProbeConfig::default(),
            liveness_probe: ProbeConfig::default(),
            resources: InstanceResourcesConfig {
                cpu_cores: 2.0,
                memory_limit_bytes: 2 * GIB,
                base_memory_bytes: 300 * MIB,
                memory_per_request_bytes: 2 * MIB,
                log_bytes_per_request: 2 * 1024,
            },
            autoscaling: HpaConfig {
                enabled: false,
                max_replicas: 1,
                ..HpaConfig::default()
            },
            // The developer's machine: one host, nothing to provision.
            nodes: NodesConfig {
                pods_per_node: 4,
                initial: 1,
                max: 1,
                provision_delay: SimDuration::ZERO,
            },
        },
        load_balancer: LoadBalancerConfig {
            policy: BalancerPolicyKind::RoundRobin,
            weights: BTreeMap::new(),
            queue_limit: 0,
        },
        security: SecurityConfig {
            tls: false,
            cors_open: true,
            plaintext_credentials: true,
            encrypted_db_connections: false,
        },
        database: DatabaseConfig {
            hosting: DatabaseHosting::Local,
            replicas: 0,
            automated_backups: false,
        },
        cache: CacheConfig {
            enabled: true,
            session_ttl: SimDuration::from_hours(1),
        },
        monitoring: MonitoringConfig {
            // Prometheus' shipped example configuration scrapes every 15 s.
            scrape_interval: SimDuration::from_secs(15),
            logging: LoggingMode::Console,
            verbose: true,
            prometheus: false,
            alerting: AlertingConfig::default(),
        },
        deployment: DeploymentConfig {
            strategy: DeploymentStrategy::Compose,
            primary_region: "local".into(),
            failover_region: None,
            rolling: RollingUpdateConfig::default(),
            canary: CanaryConfig::default(),
            releases: Vec::new(),
        },
        // The inner loop: edit → incremental rebuild → hot reload → unit
        // tests, a commit every 10 cycles into a small CI.
        pipeline: PipelineConfig {
            commits: CommitsConfig::DevelopmentLoop(DevLoopConfig::default()),
            ..PipelineConfig::default()
        },
        features: FeatureFlags::default(),
    }
}

fn production() -> ScenarioConfig {
    ScenarioConfig {
        name: "production".into(),
        profile: Profile::Production,
        seed: 42,
        duration: SimDuration::from_hours(1),
        workload: WorkloadConfig {
            // A daily cycle whose mean is 1,000 requests/s, peaking at 14:00
            // at 1,500 and bottoming out at 02:00 at 500.
            regions: vec![UserRegionConfig {
                name: "us-east-1".into(),
                rps: 1000.0,
                pattern: TrafficPatternConfig::Diurnal {
                    peak_hour: 14.0,
                    amplitude: 0.5,
                },
                spikes: Vec::new(),
            }],
            classes: classes(),
        },
        fleet: FleetConfig {
            // 8080: the conventional non-root HTTP port in containers.
            port: 8080,
            debugger_port: None,
            hot_reload: false,
            // 12 × 8 slots; with the mix's mean work (≈ 44 ms per request at
            // the version below) the peak of 1,500 requests/s keeps ≈ 70 % of
            // the slots busy.
            regions: vec![FleetRegionConfig {
                name: "us-east-1".into(),
                instances: 12,
            }],
            slots_per_instance: 8,
            queue_limit: 64,
            cold_start: SimDuration::from_secs(10),
            request_timeout: SimDuration::from_secs(30),
            version: "v1.4.2".into(),
            versions: vec![VersionConfig {
                error_rate: 0.001,
                ..VersionConfig::new(
                    "v1.4.2",
                    SimDuration::from_millis(20),
                    SimDuration::from_millis(200),
                )
            }],
            // Kubernetes Probe API defaults: initialDelaySeconds 0,
            // periodSeconds 10, timeoutSeconds 1, successThreshold 1,
            // failureThreshold 3.
            readiness_probe: ProbeConfig::default(),
            liveness_probe: ProbeConfig::default(),
            resources: InstanceResourcesConfig {
                cpu_cores: 2.0,
                memory_limit_bytes: 2 * GIB,
                base_memory_bytes: 256 * MIB,
                memory_per_request_bytes: MIB,
                log_bytes_per_request: 512,
            },
            // Kubernetes HPA defaults with these bounds; 70 % CPU is a
            // common HPA target.
            autoscaling: HpaConfig {
                min_replicas: 6,
                max_replicas: 30,
                target: MetricTarget::CpuUtilization {
                    average_utilization_percent: 70.0,
                },
                ..HpaConfig::default()
            },
            // Four pods per node; a new node (VM boot + join) takes about
            // 90 s, a typical cluster-autoscaler scale-up on a public cloud (≈).
            nodes: NodesConfig {
                pods_per_node: 4,
                initial: 3,
                max: 10,
                provision_delay: SimDuration::from_secs(90),
            },
        },
        load_balancer: LoadBalancerConfig {
            policy: BalancerPolicyKind::LeastOutstanding,
            weights: BTreeMap::new(),
            queue_limit: 0,
        },
        security: SecurityConfig {
            tls: true,
            cors_open: false,
            plaintext_credentials: false,
            encrypted_db_connections: true,
        },
        database: DatabaseConfig {
            hosting: DatabaseHosting::Cluster,
            replicas: 2,
            automated_backups: true,
        },
        cache: CacheConfig {
            enabled: true,
            session_ttl: SimDuration::from_mins(30),
        },
        monitoring: MonitoringConfig {
            // Prometheus' default is 1 min; its shipped example config uses 15 s.
            scrape_interval: SimDuration::from_secs(15),
            logging: LoggingMode::Structured,
            verbose: false,
            prometheus: true,
            alerting: production_alerting(),
        },
        deployment: DeploymentConfig {
            strategy: DeploymentStrategy::Rolling,
            primary_region: "us-east-1".into(),
            failover_region: Some("us-west-2".into()),
            // Kubernetes defaults (25 % surge and unavailable, 600 s progress
            // deadline), rolling back on the deadline, on crash-looping
            // pods, or when HighErrorRate fires.
            rolling: RollingUpdateConfig {
                rollback_on: RollbackOnConfig {
                    alert: Some("HighErrorRate".into()),
                    ..RollbackOnConfig::default()
                },
                ..RollingUpdateConfig::default()
            },
            canary: CanaryConfig::default(),
            releases: Vec::new(),
        },
        // A team's CI: Poisson commits built on two runners.
        pipeline: PipelineConfig::default(),
        features: FeatureFlags::default(),
    }
}

/// Rules on error rate, p99 latency and pending pods
/// (`production.rules.yaml`), evaluated every 15 s like Prometheus' example
/// configuration, mailed to on-call with a delivery delay of a few seconds
/// (median 5 s, p99 1 min: typical for a mail relay, ≈).
fn production_alerting() -> AlertingConfig {
    let rules = RuleFileConfig::from_yaml(include_str!("production.rules.yaml"))
        .expect("the production rule file parses");
    let mut alerting = AlertingConfig::from_rule_file(rules);
    alerting.evaluation_interval = SimDuration::from_secs(15);
    alerting.alertmanager.receiver = ReceiverConfig::Email {
        to: "oncall@example.com".into(),
        send_resolved: true,
        delivery_delay: DelayConfig::Random(
            sim_core::Dist::log_normal(5.0, 60.0).expect("a valid delay"),
        ),
    };
    alerting
}

fn experimental() -> ScenarioConfig {
    let mut config = production();
    config.name = "experimental".into();
    config.profile = Profile::Experimental;
    // The architecture's canary: 10 % → 50 % → 100 % with automatic rollback.
    config.deployment.strategy = DeploymentStrategy::Canary;
    config.database.hosting = DatabaseHosting::Distributed;
    config.features = FeatureFlags {
        multi_cloud: true,
        ai_anomaly_detection: true,
        canary_auto_rollback: true,
        distributed_postgres: true,
        chaos_harness: true,
        validated: false,
    };
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_differ_where_the_architecture_says() {
        let dev = defaults(Profile::Development);
        let prod = defaults(Profile::Production);
        let exp = defaults(Profile::Experimental);
        assert_eq!(dev.fleet.port, 3000);
        assert_eq!(dev.fleet.debugger_port, Some(9229));
        assert_eq!(prod.fleet.port, 8080);
        assert!(prod.fleet.autoscaling.enabled);
        assert!(prod.security.tls && !exp.features.validated);
        assert!(exp.features.multi_cloud && exp.features.chaos_harness);
        assert_eq!(exp.fleet, prod.fleet);
    }
}
