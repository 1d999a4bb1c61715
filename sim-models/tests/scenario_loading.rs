//! Scenario loading: the shipped scenarios load and validate, profiles fill
//! the defaults, the hardening check lists development-only settings, bad
//! input names the bad field's path, and YAML, JSON and TOML agree.

use std::path::PathBuf;

use sim_models::scenario::{
    DatabaseHosting, Format, Profile, ScenarioConfig, ScenarioError, defaults,
    hardening_violations, load_path, load_str,
};

fn scenario_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(name)
}

fn load(name: &str) -> ScenarioConfig {
    load_path(scenario_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn each_profile_file_loads_and_validates() {
    for (file, profile) in [
        ("development.yaml", Profile::Development),
        ("production.yaml", Profile::Production),
        ("experimental.yaml", Profile::Experimental),
    ] {
        let config = load(file);
        assert_eq!(config.profile, profile, "{file}");
        config.validate().expect("loaded scenarios are valid");
    }
}

#[test]
fn development_has_one_instance_and_no_replicas() {
    let dev = load("development.yaml");
    let instances: u32 = dev.fleet.regions.iter().map(|r| r.instances).sum();
    assert_eq!(instances, 1);
    assert_eq!(dev.database.replicas, 0);
    assert_eq!(dev.database.hosting, DatabaseHosting::Local);
    assert_eq!(dev.fleet.port, 3000);
    assert_eq!(dev.fleet.debugger_port, Some(9229));
}

#[test]
fn production_averages_about_1000_rps_and_is_hardened() {
    let prod = load("production.yaml");
    let total: f64 = prod.workload.regions.iter().map(|r| r.rps).sum();
    assert!((total - 1000.0).abs() < 1e-9);
    assert_eq!(prod.fleet.port, 8080);
    assert!(prod.fleet.autoscaling.enabled);
    assert!(prod.database.replicas >= 1 && prod.database.automated_backups);
    assert_eq!(hardening_violations(&prod), Vec::new());
    assert_eq!(
        hardening_violations(&defaults(Profile::Production)),
        Vec::new()
    );
}

#[test]
fn development_lists_every_hardening_violation() {
    let dev = load("development.yaml");
    let paths: Vec<String> = hardening_violations(&dev)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        paths,
        [
            "fleet.debugger_port",
            "fleet.hot_reload",
            "database.hosting",
            "deployment.strategy",
            "monitoring.verbose",
            "security.tls",
            "security.plaintext_credentials",
            "security.cors_open",
            "security.encrypted_db_connections",
        ]
    );
}

#[test]
fn experimental_flags_need_validation_before_production() {
    let mut exp = load("experimental.yaml");
    let paths: Vec<String> = hardening_violations(&exp)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        paths,
        [
            "features.multi_cloud",
            "features.ai_anomaly_detection",
            "features.canary_auto_rollback",
            "features.distributed_postgres",
            "features.chaos_harness",
        ]
    );
    exp.features.validated = true;
    assert_eq!(hardening_violations(&exp), Vec::new());
}

#[test]
fn an_empty_file_is_the_production_profile() {
    let config = load_str("", Format::Yaml).expect("defaults are valid");
    assert_eq!(config, defaults(Profile::Production));
    let config = load_str("profile: development", Format::Yaml).expect("valid");
    assert_eq!(config, defaults(Profile::Development));
}

#[test]
fn a_file_overrides_only_what_it_names() {
    let config = load_str(
        "fleet: { resources: { cpu_cores: 4 } }\nmonitoring: { scrape_interval: 30s }",
        Format::Yaml,
    )
    .expect("valid");
    let mut expected = defaults(Profile::Production);
    expected.fleet.resources.cpu_cores = 4.0;
    expected.monitoring.scrape_interval = "30s".parse().expect("duration");
    assert_eq!(config, expected);
}

#[test]
fn yaml_json_and_toml_give_equal_configs() {
    let yaml = r#"
name: same
profile: development
duration: 90s
workload:
  regions:
    - name: local
      rps: 12.5
      pattern: { kind: diurnal, peak_hour: 9.5, amplitude: 0.25 }
      spikes:
        - { at: 30s, duration: 10s, multiplier: 2 }
fleet:
  slots_per_instance: 16
  readiness_probe: { period: 5s }
security: { tls: true }
"#;
    let json = r#"{
  "name": "same",
  "profile": "development",
  "duration": "90s",
  "workload": {"regions": [{"name": "local", "rps": 12.5,
    "pattern": {"kind": "diurnal", "peak_hour": 9.5, "amplitude": 0.25},
    "spikes": [{"at": "30s", "duration": "10s", "multiplier": 2}]}]},
  "fleet": {"slots_per_instance": 16, "readiness_probe": {"period": "5s"}},
  "security": {"tls": true}
}"#;
    let toml = r#"
name = "same"
profile = "development"
duration = "90s"

[[workload.regions]]
name = "local"
rps = 12.5
pattern = { kind = "diurnal", peak_hour = 9.5, amplitude = 0.25 }
spikes = [{ at = "30s", duration = "10s", multiplier = 2 }]

[fleet]
slots_per_instance = 16
readiness_probe = { period = "5s" }

[security]
tls = true
"#;
    let from_yaml = load_str(yaml, Format::Yaml).expect("yaml");
    let from_json = load_str(json, Format::Json).expect("json");
    let from_toml = load_str(toml, Format::Toml).expect("toml");
    assert_eq!(from_yaml, from_json);
    assert_eq!(from_yaml, from_toml);
    assert_eq!(from_yaml.fleet.slots_per_instance, 16);
    assert_eq!(from_yaml.fleet.readiness_probe.failure_threshold, 3);
    assert!(from_yaml.security.tls && from_yaml.security.cors_open);
}

#[test]
fn files_load_by_extension() {
    let dir = std::env::temp_dir().join(format!("sim-models-scn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (file, text) in [
        ("a.yml", "seed: 3"),
        ("a.json", r#"{"seed": 3}"#),
        ("a.toml", "seed = 3"),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, text).expect("write");
        assert_eq!(load_path(&path).expect(file).seed, 3);
    }
    let bad = dir.join("a.ini");
    std::fs::write(&bad, "seed=3").expect("write");
    assert!(matches!(
        load_path(&bad),
        Err(ScenarioError::UnknownFormat { .. })
    ));
    let missing = dir.join("missing.yaml");
    let err = load_path(&missing).expect_err("missing file").to_string();
    assert!(err.contains("missing.yaml"), "{err}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn syntax_errors_give_the_line() {
    let err = load_str("seed: 1\nfleet: [unclosed\n", Format::Yaml).expect_err("bad yaml");
    match &err {
        ScenarioError::Syntax { line, .. } => assert!(line.is_some(), "{err}"),
        other => panic!("expected a syntax error, got {other}"),
    }
    let err = load_str("seed = 1\nfleet = [", Format::Toml).expect_err("bad toml");
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = load_str("{\"seed\": }", Format::Json).expect_err("bad json");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn unknown_fields_name_their_path() {
    let err =
        load_str("fleet:\n  resources:\n    gpus: 2\n", Format::Yaml).expect_err("unknown field");
    let text = err.to_string();
    assert!(
        text.starts_with("fleet.resources.gpus: unknown field `gpus`"),
        "{text}"
    );
}

/// Each case: (what is wrong, YAML, the path the error must name).
const BAD: &[(&str, &str, &str)] = &[
    ("wrong type", "seed: abc", "seed"),
    ("unknown top-level field", "colour: blue", "colour"),
    (
        "unknown nested field",
        "fleet: { autoscaling: { max_pods: 3 } }",
        "fleet.autoscaling.max_pods",
    ),
    (
        "negative rate",
        "workload: { regions: [ {name: a, rps: 1}, {name: b, rps: 2}, {name: c, rps: -5} ] }",
        "workload.regions[2].rps",
    ),
    (
        "rate of the wrong type",
        "workload: { regions: [ {name: a, rps: lots} ] }",
        "workload.regions[0].rps",
    ),
    (
        "fraction over 1",
        "workload: { classes: [ {class: read, fraction: 1.5} ] }",
        "workload.classes[0].fraction",
    ),
    (
        "fractions not summing to 1",
        "workload: { classes: [ {class: read, fraction: 0.5}, {class: write, fraction: 0.2} ] }",
        "workload.classes",
    ),
    (
        "unknown request class",
        "workload: { classes: [ {class: delete, fraction: 1} ] }",
        "workload.classes[0].class",
    ),
    (
        "percentage over 100",
        "fleet: { autoscaling: { target: { kind: cpu_utilization, average_utilization_percent: 150 } } }",
        "fleet.autoscaling.target.average_utilization_percent",
    ),
    ("empty fleet", "fleet: { regions: [] }", "fleet.regions"),
    (
        "no instances at all",
        "fleet: { regions: [ {name: us-east-1, instances: 0} ] }",
        "fleet.regions",
    ),
    (
        "no user regions",
        "workload: { regions: [] }",
        "workload.regions",
    ),
    (
        "duplicate region",
        "workload: { regions: [ {name: a, rps: 1}, {name: a, rps: 2} ] }",
        "workload.regions[1].name",
    ),
    ("unknown profile", "profile: staging", "profile"),
    ("bad duration", "duration: 10 minutes", "duration"),
    ("zero duration", "duration: 0s", "duration"),
    (
        "bad nested duration",
        "fleet: { cold_start: 5x }",
        "fleet.cold_start",
    ),
    (
        "version not in versions",
        "fleet: { version: v9 }",
        "fleet.version",
    ),
    (
        "p99 not above the median",
        "fleet: { versions: [ {name: v1.4.2, service_median: 50ms, service_p99: 50ms} ] }",
        "fleet.versions[0].service_p99",
    ),
    (
        "error rate over 1",
        "fleet: { versions: [ {name: v1.4.2, service_median: 5ms, service_p99: 50ms, error_rate: 2} ] }",
        "fleet.versions[0].error_rate",
    ),
    (
        "zero slots",
        "fleet: { slots_per_instance: 0 }",
        "fleet.slots_per_instance",
    ),
    (
        "negative count",
        "fleet: { queue_limit: -1 }",
        "fleet.queue_limit",
    ),
    (
        "diurnal amplitude over 1",
        "workload: { regions: [ {name: a, rps: 1, pattern: {kind: diurnal, peak_hour: 3, amplitude: 1.5}} ] }",
        "workload.regions[0].pattern.amplitude",
    ),
    (
        "peak hour of 24",
        "workload: { regions: [ {name: a, rps: 1, pattern: {kind: diurnal, peak_hour: 24, amplitude: 0.5}} ] }",
        "workload.regions[0].pattern.peak_hour",
    ),
    (
        "unknown pattern kind",
        "workload: { regions: [ {name: a, rps: 1, pattern: {kind: sawtooth}} ] }",
        "workload.regions[0].pattern",
    ),
    (
        "negative spike",
        "workload: { regions: [ {name: a, rps: 1, spikes: [ {at: 1m, duration: 1m, multiplier: -2} ]} ] }",
        "workload.regions[0].spikes[0].multiplier",
    ),
    (
        "zero probe period",
        "fleet: { readiness_probe: { period: 0s } }",
        "fleet.readiness_probe.period",
    ),
    (
        "zero probe threshold",
        "fleet: { liveness_probe: { failure_threshold: 0 } }",
        "fleet.liveness_probe.failure_threshold",
    ),
    (
        "autoscaling min above max",
        "fleet: { autoscaling: { min_replicas: 10, max_replicas: 5 } }",
        "fleet.autoscaling.max_replicas",
    ),
    (
        "weight for a version that does not exist",
        "load_balancer: { policy: weighted, weights: { v1.4.2: 1, v9: 1 } }",
        "load_balancer.weights.v9",
    ),
    (
        "negative weight",
        "load_balancer: { policy: weighted, weights: { v1.4.2: -1 } }",
        "load_balancer.weights.v1.4.2",
    ),
    (
        "zero CPU cores",
        "fleet: { resources: { cpu_cores: 0 } }",
        "fleet.resources.cpu_cores",
    ),
    ("not a mapping", "- a\n- b", "."),
];

#[test]
fn bad_input_names_the_bad_field() {
    assert!(BAD.len() >= 15);
    for (what, yaml, path) in BAD {
        let err = match load_str(yaml, Format::Yaml) {
            Ok(_) => panic!("{what}: `{yaml}` was accepted"),
            Err(e) => e,
        };
        let text = err.to_string();
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{path}:"))
                || l.starts_with(&format!("{path}.")) && *path != "."),
            "{what}: expected the error to name `{path}`, got:\n{text}"
        );
        assert!(!err.problems().is_empty(), "{what}: {text}");
    }
}

#[test]
fn validation_reports_every_problem_at_once() {
    let yaml = "
duration: 0s
fleet: { slots_per_instance: 0, version: v9, resources: { cpu_cores: -1 } }
workload: { regions: [ {name: a, rps: -1} ] }
";
    let err = load_str(yaml, Format::Yaml).expect_err("invalid");
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "duration",
            "workload.regions[0].rps",
            "fleet.slots_per_instance",
            "fleet.version",
            "fleet.resources.cpu_cores",
        ]
    );
    assert_eq!(err.to_string().lines().count(), 5, "{err}");
}
