//! Validation: every rule a well-typed scenario must also satisfy, each
//! failure reported with its field path. All problems are collected, so one
//! run of `validate` shows everything to fix.

use std::collections::BTreeSet;

use sim_core::SimDuration;

use super::config::*;
use crate::autoscale::MetricTarget;
use crate::error::{Problem, Result, ScenarioError};

/// Checks `config` and returns every problem found, or `Ok(())`.
///
/// Rules: rates, multipliers and weights finite and ≥ 0; class fractions in
/// [0, 1] summing to 1 ± 1e-6; at least one user region and one fleet region
/// with ≥ 1 instance in total; unique names; `fleet.version` among
/// `versions`; service_p99 > service_median > 0; error_rate and
/// crash_on_start_probability in [0, 1]; latency and CPU factors > 0;
/// slots ≥ 1; diurnal amplitude in [0, 1] and peak hour in [0, 24); probe
/// period and timeout > 0, thresholds ≥ 1; autoscaling 1 ≤ min ≤ max and target
/// CPU in (0, 100]; cpu_cores > 0; durations that must pass time > 0.
pub fn validate(config: &ScenarioConfig) -> Result<()> {
    ScenarioError::check(problems(config))
}

/// Every problem of `config`, in field order (empty when valid).
pub fn problems(config: &ScenarioConfig) -> Vec<Problem> {
    let mut c = Checker::default();
    if config.name.trim().is_empty() {
        c.push("name", "must not be empty");
    }
    c.positive_duration("duration", config.duration);
    workload(&mut c, &config.workload);
    fleet(&mut c, &config.fleet);
    load_balancer(&mut c, &config.load_balancer, &config.fleet);
    if config.cache.enabled {
        c.positive_duration("cache.session_ttl", config.cache.session_ttl);
    }
    monitoring(&mut c, &config.monitoring);
    deployment(&mut c, config);
    c.problems.extend(config.pipeline.problems("pipeline"));
    c.problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    /// Finite and ≥ 0.
    fn non_negative(&mut self, path: impl Into<String>, value: f64) {
        if !value.is_finite() {
            self.push(path, format!("must be a finite number (got {value})"));
        } else if value < 0.0 {
            self.push(path, format!("must be ≥ 0 (got {value})"));
        }
    }

    /// Finite and in `[0, 1]`.
    fn fraction(&mut self, path: impl Into<String>, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.push(path, format!("must be between 0 and 1 (got {value})"));
        }
    }

    fn positive_duration(&mut self, path: impl Into<String>, value: SimDuration) {
        if value == SimDuration::ZERO {
            self.push(path, "must be longer than 0");
        }
    }

    fn name(&mut self, path: String, name: &str, seen: &mut BTreeSet<String>) {
        if name.trim().is_empty() {
            self.push(path, "must not be empty");
        } else if !seen.insert(name.to_owned()) {
            self.push(path, format!("duplicate name `{name}`"));
        }
    }
}

fn workload(c: &mut Checker, w: &WorkloadConfig) {
    if w.regions.is_empty() {
        c.push("workload.regions", "needs at least one user region");
    }
    let mut names = BTreeSet::new();
    for (i, r) in w.regions.iter().enumerate() {
        let p = format!("workload.regions[{i}]");
        c.name(format!("{p}.name"), &r.name, &mut names);
        c.non_negative(format!("{p}.rps"), r.rps);
        match &r.pattern {
            TrafficPatternConfig::Constant => {}
            TrafficPatternConfig::Diurnal {
                peak_hour,
                amplitude,
            } => {
                if !(0.0..24.0).contains(peak_hour) {
                    c.push(
                        format!("{p}.pattern.peak_hour"),
                        format!("must be in [0, 24) (got {peak_hour})"),
                    );
                }
                c.fraction(format!("{p}.pattern.amplitude"), *amplitude);
            }
            TrafficPatternConfig::Trace { file } => {
                if file.as_os_str().is_empty() {
                    c.push(format!("{p}.pattern.file"), "must name a CSV file");
                }
            }
        }
        for (j, s) in r.spikes.iter().enumerate() {
            c.non_negative(format!("{p}.spikes[{j}].multiplier"), s.multiplier);
            c.positive_duration(format!("{p}.spikes[{j}].duration"), s.duration);
        }
    }
    if w.classes.is_empty() {
        c.push("workload.classes", "needs at least one request class");
        return;
    }
    let mut seen = BTreeSet::new();
    let mut sum = 0.0;
    for (i, k) in w.classes.iter().enumerate() {
        let p = format!("workload.classes[{i}]");
        if !seen.insert(k.class) {
            c.push(
                format!("{p}.class"),
                format!("duplicate class {:?}", k.class),
            );
        }
        c.fraction(format!("{p}.fraction"), k.fraction);
        sum += k.fraction;
        if !(k.work_factor.is_finite() && k.work_factor > 0.0) {
            c.push(
                format!("{p}.work_factor"),
                format!("must be > 0 (got {})", k.work_factor),
            );
        }
    }
    if (sum - 1.0).abs() > 1e-6 {
        c.push(
            "workload.classes",
            format!("fractions must sum to 1 (got {sum})"),
        );
    }
}

fn fleet(c: &mut Checker, f: &FleetConfig) {
    if f.port == 0 {
        c.push("fleet.port", "must be between 1 and 65535");
    }
    if f.debugger_port == Some(0) {
        c.push("fleet.debugger_port", "must be between 1 and 65535");
    } else if f.debugger_port == Some(f.port) {
        c.push("fleet.debugger_port", "must differ from fleet.port");
    }
    if f.regions.is_empty() {
        c.push("fleet.regions", "needs at least one fleet region");
    } else if f.regions.iter().all(|r| r.instances == 0) {
        c.push("fleet.regions", "needs at least one instance in total");
    }
    let mut names = BTreeSet::new();
    for (i, r) in f.regions.iter().enumerate() {
        c.name(format!("fleet.regions[{i}].name"), &r.name, &mut names);
    }
    if f.slots_per_instance == 0 {
        c.push("fleet.slots_per_instance", "must be ≥ 1");
    }
    c.positive_duration("fleet.request_timeout", f.request_timeout);

    if f.versions.is_empty() {
        c.push("fleet.versions", "needs at least one version");
    }
    let mut names = BTreeSet::new();
    for (i, v) in f.versions.iter().enumerate() {
        let p = format!("fleet.versions[{i}]");
        c.name(format!("{p}.name"), &v.name, &mut names);
        if v.service_median == SimDuration::ZERO {
            c.push(format!("{p}.service_median"), "must be longer than 0");
        }
        if v.service_p99 <= v.service_median {
            c.push(
                format!("{p}.service_p99"),
                format!(
                    "must be longer than service_median ({} ≤ {})",
                    v.service_p99, v.service_median
                ),
            );
        }
        c.fraction(format!("{p}.error_rate"), v.error_rate);
        c.fraction(
            format!("{p}.crash_on_start_probability"),
            v.crash_on_start_probability,
        );
        for (field, factor) in [
            ("latency_factor", v.latency_factor),
            ("cpu_factor", v.cpu_factor),
        ] {
            if !(factor.is_finite() && factor > 0.0) {
                c.push(
                    format!("{p}.{field}"),
                    format!("must be a finite number > 0 (got {factor})"),
                );
            }
        }
    }
    if !f.versions.iter().any(|v| v.name == f.version) {
        c.push(
            "fleet.version",
            format!("`{}` is not among fleet.versions", f.version),
        );
    }

    probe(c, "fleet.readiness_probe", &f.readiness_probe);
    probe(c, "fleet.liveness_probe", &f.liveness_probe);

    let r = &f.resources;
    if !(r.cpu_cores.is_finite() && r.cpu_cores > 0.0) {
        c.push(
            "fleet.resources.cpu_cores",
            format!("must be > 0 (got {})", r.cpu_cores),
        );
    }
    if r.memory_limit_bytes == 0 {
        c.push("fleet.resources.memory_limit_bytes", "must be > 0");
    } else if r.base_memory_bytes > r.memory_limit_bytes {
        c.push(
            "fleet.resources.base_memory_bytes",
            "must not exceed memory_limit_bytes",
        );
    }

    let a = &f.autoscaling;
    c.problems.extend(a.problems("fleet.autoscaling"));
    if let MetricTarget::CpuUtilization {
        average_utilization_percent: p,
    } = a.target
        && p > 100.0
    {
        c.push(
            "fleet.autoscaling.target.average_utilization_percent",
            format!("must be ≤ 100: an instance's CPU is its busy slots (got {p})"),
        );
    }
    if a.metric_window > a.sync_period {
        c.push(
            "fleet.autoscaling.metric_window",
            format!(
                "must not exceed sync_period ({}): the simulated metrics pipeline opens one window per sync",
                a.sync_period
            ),
        );
    }

    let n = &f.nodes;
    if n.pods_per_node == 0 {
        c.push("fleet.nodes.pods_per_node", "must be ≥ 1");
    }
    if n.initial > n.max {
        c.push(
            "fleet.nodes.max",
            format!("must be ≥ initial ({} < {})", n.max, n.initial),
        );
    }
    let capacity = u64::from(n.max) * u64::from(n.pods_per_node);
    for (i, r) in f.regions.iter().enumerate() {
        if u64::from(r.instances) > capacity {
            c.push(
                format!("fleet.regions[{i}].instances"),
                format!(
                    "{} instances do not fit on {} nodes of {} pods",
                    r.instances, n.max, n.pods_per_node
                ),
            );
        }
    }
}

fn probe(c: &mut Checker, p: &str, probe: &ProbeConfig) {
    c.positive_duration(format!("{p}.period"), probe.period);
    c.positive_duration(format!("{p}.timeout"), probe.timeout);
    if probe.success_threshold == 0 {
        c.push(format!("{p}.success_threshold"), "must be ≥ 1");
    }
    if probe.failure_threshold == 0 {
        c.push(format!("{p}.failure_threshold"), "must be ≥ 1");
    }
}

fn load_balancer(c: &mut Checker, lb: &LoadBalancerConfig, fleet: &FleetConfig) {
    if lb.policy != BalancerPolicyKind::Weighted {
        return;
    }
    if lb.weights.is_empty() {
        c.push(
            "load_balancer.weights",
            "policy `weighted` needs a weight per version",
        );
        return;
    }
    let mut total = 0.0;
    for (name, &w) in &lb.weights {
        let p = format!("load_balancer.weights.{name}");
        c.non_negative(p.clone(), w);
        if w.is_finite() && w > 0.0 {
            total += w;
        }
        if !fleet.versions.iter().any(|v| &v.name == name) {
            c.push(p, format!("`{name}` is not among fleet.versions"));
        }
    }
    if total <= 0.0 {
        c.push("load_balancer.weights", "at least one weight must be > 0");
    }
}

fn monitoring(c: &mut Checker, m: &MonitoringConfig) {
    c.positive_duration("monitoring.scrape_interval", m.scrape_interval);
    let a = &m.alerting;
    c.problems.extend(a.problems("monitoring.alerting"));
    if !a.groups.is_empty() && !m.prometheus {
        c.push(
            "monitoring.alerting.groups",
            "alert rules need monitoring.prometheus: true",
        );
    }
}

fn deployment(c: &mut Checker, config: &ScenarioConfig) {
    let d = &config.deployment;
    c.problems.extend(d.rolling.problems("deployment.rolling"));
    c.problems.extend(d.canary.problems("deployment.canary"));
    let p = &config.pipeline;
    for (i, r) in d.releases.iter().enumerate() {
        if !config.fleet.versions.iter().any(|v| v.name == r.version) {
            c.push(
                format!("deployment.releases[{i}].version"),
                format!("`{}` is not among fleet.versions", r.version),
            );
        }
        if r.at.is_none() && !(p.enabled && p.deploy_on_green) {
            c.push(
                format!("deployment.releases[{i}].at"),
                "required unless the pipeline ships releases (pipeline.enabled and deploy_on_green)",
            );
        }
    }
    if d.primary_region.trim().is_empty() {
        c.push("deployment.primary_region", "must not be empty");
    }
    if d.failover_region.as_deref() == Some(d.primary_region.as_str()) {
        c.push(
            "deployment.failover_region",
            "must differ from the primary region",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::defaults;

    #[test]
    fn profiles_are_valid() {
        for p in [
            Profile::Development,
            Profile::Production,
            Profile::Experimental,
        ] {
            assert_eq!(problems(&defaults(p)), Vec::new(), "{p:?}");
        }
    }

    #[test]
    fn reports_every_problem() {
        let mut c = defaults(Profile::Production);
        c.workload.regions[0].rps = -1.0;
        c.fleet.slots_per_instance = 0;
        c.fleet.version = "nope".into();
        let found = problems(&c);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "workload.regions[0].rps",
                "fleet.slots_per_instance",
                "fleet.version"
            ]
        );
    }
}
