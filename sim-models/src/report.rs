//! The run report: SLOs per region and version, throughput, utilisation and
//! the conservation counts. Every number comes from recorded counters and
//! histograms; a section is present only for what was simulated.

mod alerts;
mod deployments;
mod replicas;

use std::fmt::Write as _;

use serde::Serialize;
use sim_core::SimTime;
use sim_core::record::LatencySummary;

use crate::scenario::ScenarioConfig;
use crate::world::{Outcome, Totals, World};

pub use alerts::{AlertsReport, FiredAlert, SentNotification};
pub use deployments::{BlastRadius, DeploymentReport};
pub use replicas::ReplicaSummary;

/// Scaling actions the table shows; the JSON report has them all.
const TABLE_SCALING_ACTIONS: usize = 20;

/// Service levels of one slice of traffic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slo {
    /// Fleet region.
    pub region: String,
    /// Release version (`-`: requests refused before reaching an instance).
    pub version: String,
    /// Requests that ended here.
    pub requests: u64,
    /// Answered without error.
    pub succeeded: u64,
    /// Answered with an error.
    pub failed: u64,
    /// Not answered in time.
    pub timed_out: u64,
    /// Refused at once.
    pub rejected: u64,
    /// Succeeded ÷ ended (1 when nothing ended).
    pub availability: f64,
    /// 1 − availability.
    pub error_rate: f64,
    /// Latency of successful requests.
    pub latency: LatencySummary,
}

/// Accounting of every request: arrivals = succeeded + failed + timed out + rejected + in flight.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Conservation {
    /// The totals.
    #[serde(flatten)]
    pub totals: Totals,
    /// Still waiting for an answer at the end.
    pub in_flight: u64,
    /// Whether the equation holds.
    pub holds: bool,
}

/// Everything a run reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    /// Scenario name.
    pub scenario: String,
    /// Profile.
    pub profile: String,
    /// Root seed.
    pub seed: u64,
    /// Simulated time covered.
    pub simulated: sim_core::SimDuration,
    /// Engine events handled.
    pub events: u64,
    /// Successful requests per simulated second.
    pub throughput_rps: f64,
    /// Over all traffic.
    pub overall: Slo,
    /// Per fleet region and version.
    pub slos: Vec<Slo>,
    /// Mean CPU utilisation per fleet region (busy slots ÷ slots).
    pub utilisation: Vec<(String, f64)>,
    /// The conservation counts.
    pub conservation: Conservation,
    /// Every change of a region's desired replicas (time, from → to, reason).
    pub scaling: Vec<crate::world::ScalingAction>,
    /// Replicas per fleet region: peak, mean, time at max, pending pods.
    pub replicas: Vec<ReplicaSummary>,
    /// Alerts fired, their time to fire, and the notifications sent.
    pub alerts: AlertsReport,
    /// Every deployment: timeline, outcome, blast radius, downtime.
    pub deployments: Vec<DeploymentReport>,
    /// CI builds, if a pipeline ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<crate::pipeline::PipelineSummary>,
    /// What the scenario configures but this version does not simulate yet.
    pub not_simulated: Vec<String>,
}

fn slo(region: String, version: String, counts: [u64; 4], latency: LatencySummary) -> Slo {
    let [succeeded, failed, timed_out, rejected] = counts;
    let requests = counts.iter().sum();
    let availability = if requests == 0 {
        1.0
    } else {
        succeeded as f64 / requests as f64
    };
    Slo {
        region,
        version,
        requests,
        succeeded,
        failed,
        timed_out,
        rejected,
        availability,
        error_rate: 1.0 - availability,
        latency,
    }
}

impl RunReport {
    /// The report of a world at the end of a run.
    pub fn new(sc: &ScenarioConfig, seed: u64, world: &World, now: SimTime, events: u64) -> Self {
        let regions = &sc.fleet.regions;
        let mut slos = Vec::new();
        let mut all = [0u64; 4];
        for (r, v, counts) in world.outcome_counts() {
            for (a, c) in all.iter_mut().zip(counts) {
                *a += c;
            }
            if counts.iter().all(|&c| c == 0) {
                continue;
            }
            let (version, latency) = match v {
                Some(v) => (sc.fleet.versions[v].name.clone(), world.latency(r, v)),
                None => ("-".to_owned(), LatencySummary::default()),
            };
            slos.push(slo(regions[r].name.clone(), version, counts, latency));
        }
        let overall = slo("all".into(), "all".into(), all, world.overall_latency());
        let totals = world.totals();
        debug_assert_eq!(
            [
                totals.succeeded,
                totals.failed,
                totals.timed_out,
                totals.rejected
            ],
            all,
            "counters and totals disagree"
        );
        let seconds = now.as_secs_f64();
        let mut not_simulated = vec!["database".to_owned(), "cache".to_owned()];
        let flags = &sc.features;
        for (on, name) in [
            (flags.multi_cloud, "features.multi_cloud"),
            (flags.ai_anomaly_detection, "features.ai_anomaly_detection"),
            (flags.distributed_postgres, "features.distributed_postgres"),
            (flags.chaos_harness, "features.chaos_harness"),
        ] {
            if on {
                not_simulated.push(name.to_owned());
            }
        }
        RunReport {
            scenario: sc.name.clone(),
            profile: format!("{:?}", sc.profile).to_lowercase(),
            seed,
            simulated: now.since_start(),
            events,
            throughput_rps: if seconds > 0.0 {
                totals.succeeded as f64 / seconds
            } else {
                0.0
            },
            overall,
            slos,
            utilisation: regions
                .iter()
                .enumerate()
                .map(|(r, x)| (x.name.clone(), world.utilisation(r, now)))
                .collect(),
            conservation: Conservation {
                totals,
                in_flight: world.in_flight(),
                holds: world.conserved(),
            },
            scaling: world.scaling_actions().to_vec(),
            replicas: replica_summaries(sc, world, now),
            alerts: AlertsReport::new(world.alerts(), world.notifications()),
            deployments: world
                .deployments()
                .iter()
                .map(|d| DeploymentReport::new(d, world))
                .collect(),
            pipeline: world.pipeline_summary(now),
            not_simulated,
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// A readable table.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} ({} profile), seed {}: {} simulated, {} events",
            self.scenario, self.profile, self.seed, self.simulated, self.events
        );
        let _ = writeln!(
            s,
            "{:<14} {:<10} {:>11} {:>9} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}",
            "region",
            "version",
            "requests",
            "avail %",
            "failed",
            "timeout",
            "reject",
            "p50",
            "p95",
            "p99"
        );
        for x in self.slos.iter().chain(std::iter::once(&self.overall)) {
            let _ = writeln!(
                s,
                "{:<14} {:<10} {:>11} {:>9.3} {:>8} {:>8} {:>8} {:>10} {:>10} {:>10}",
                x.region,
                x.version,
                x.requests,
                x.availability * 100.0,
                x.failed,
                x.timed_out,
                x.rejected,
                ms(x.latency.p50),
                ms(x.latency.p95),
                ms(x.latency.p99),
            );
        }
        let _ = writeln!(s, "throughput {:.1} req/s", self.throughput_rps);
        for (region, u) in &self.utilisation {
            let _ = writeln!(s, "utilisation {region}: {:.1} %", u * 100.0);
        }
        let c = &self.conservation;
        let _ = writeln!(
            s,
            "conservation: {} arrivals = {} succeeded + {} failed + {} timed out + {} rejected + {} in flight: {}",
            c.totals.arrivals,
            c.totals.succeeded,
            c.totals.failed,
            c.totals.timed_out,
            c.totals.rejected,
            c.in_flight,
            if c.holds { "holds" } else { "BROKEN" }
        );
        for r in &self.replicas {
            let at_max = r
                .seconds_at_max
                .map_or(String::new(), |s| format!(", {s:.0} s at max"));
            let _ = writeln!(
                s,
                "replicas {}: {} → {}, peak {}, mean {:.2}{at_max}; {} pods waited for a node ({:.0} s in all, longest {:.0} s)",
                r.region,
                r.initial,
                r.last,
                r.peak,
                r.mean,
                r.pending.pods,
                r.pending.total_seconds,
                r.pending.longest_seconds
            );
        }
        for a in self.scaling.iter().take(TABLE_SCALING_ACTIONS) {
            let _ = writeln!(
                s,
                "scaled {} at {}: {} → {} ({})",
                a.region, a.time, a.from, a.to, a.reason
            );
        }
        for a in &self.alerts.fired {
            let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let resolved = a.resolved_at.map_or("still firing".to_owned(), |t| {
                format!("resolved at {}", at(t))
            });
            let _ = writeln!(
                s,
                "alert {}{{{}}} fired at {}, {:.0} s after its condition began; {resolved}",
                a.alertname,
                labels.join(","),
                at(a.fired_at),
                a.time_to_fire_seconds
            );
        }
        if let Some(first) = self.alerts.notifications.first() {
            let _ = writeln!(
                s,
                "{} notifications; the first, \"{}\", reached {} at {}",
                self.alerts.notifications.len(),
                first.subject,
                first.to,
                at(first.delivered_at)
            );
        }
        for d in &self.deployments {
            let x = &d.deployment;
            let why = x
                .rollback
                .as_ref()
                .map_or(String::new(), |r| format!(" ({})", r.reason));
            let _ = writeln!(
                s,
                "deployment {} {} → {} in {} from {}: {:?}{why}; blast radius {} requests ({} failed), downtime {} failed requests",
                x.strategy,
                x.from,
                x.to,
                x.region,
                at(x.started),
                x.outcome,
                d.blast_radius.requests,
                d.blast_radius.failed,
                d.downtime_failed_requests
            );
        }
        if let Some(p) = &self.pipeline {
            let lead = p
                .lead_time_mean_s
                .map_or(String::new(), |l| format!(", mean lead time {l:.0} s"));
            let _ = writeln!(
                s,
                "ci: {} commits, {} green, {} red, {} artifacts{lead}",
                p.commits, p.green, p.red, p.artifacts
            );
        }
        if self.scaling.len() > TABLE_SCALING_ACTIONS {
            let _ = writeln!(
                s,
                "… and {} more scaling actions (all in report.json)",
                self.scaling.len() - TABLE_SCALING_ACTIONS
            );
        }
        if !self.not_simulated.is_empty() {
            let _ = writeln!(
                s,
                "configured but not simulated yet: {}",
                self.not_simulated.join(", ")
            );
        }
        s
    }
}

fn replica_summaries(sc: &ScenarioConfig, world: &World, now: SimTime) -> Vec<ReplicaSummary> {
    let pending = world.pending_time(now);
    let max = world.autoscaling_bounds().map(|(_, max)| max);
    sc.fleet
        .regions
        .iter()
        .zip(pending)
        .map(|(region, pending)| {
            let actions: Vec<_> = world
                .scaling_actions()
                .iter()
                .filter(|a| a.region == region.name)
                .collect();
            ReplicaSummary::new(&region.name, region.instances, &actions, now, max, pending)
        })
        .collect()
}

/// A time to the millisecond, e.g. `t=12m47s178ms`.
fn at(t: SimTime) -> SimTime {
    SimTime::from_nanos(t.as_nanos().div_ceil(1_000_000) * 1_000_000)
}

fn ms(d: sim_core::SimDuration) -> String {
    format!("{:.1}ms", d.as_secs_f64() * 1e3)
}

impl Outcome {
    /// Index in `Outcome::ALL`.
    pub fn index(self) -> usize {
        self as usize
    }
}
