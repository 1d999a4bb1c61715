//! The `World`: every simulated component, as one `sim_core::Model`.
//!
//! Its event enum has one variant per component family; handlers for a
//! family live beside its state. A request's code path reads as a straight
//! line: `arrive` → balancer → `admit` → `start_service` → `finish_service`,
//! with `time_out` racing it. Later hops (session store, database, OAuth)
//! slot in between `start_service` and `finish_service`.

mod alerts;
mod autoscaling;
mod canary;
mod deployment;
mod event;
mod outcome;
mod params;
mod pipeline;
mod rollout;
mod scaling;

pub use deployment::{CounterSnapshot, Deployment, DeploymentOutcome, Rollback, TimelineEntry};
pub use event::{AutoscaleEvent, DeployEvent, Event, FleetEvent, MonitorEvent, TrafficEvent};
pub use outcome::{Outcome, Totals};
pub use params::{Class, FleetParams, Probe, Version};
pub use rollout::DeployPolicy;
pub use scaling::{NodePool, PendingTime, ScalingAction};

use std::collections::VecDeque;

use sim_core::record::{CounterId, EventLog, GaugeId, HistogramId, LatencyHistogram, Recorder};
use sim_core::{Context, Model, SimDuration, SimRng, SimTime};

use crate::fleet::balancer::BalancerPolicy;
use crate::fleet::instance::{Instance, Lifecycle};
use crate::request::{Request, RequestId, Requests, Stage};
use crate::traffic::{ArrivalProcess, RequestMix};

/// The longest CrashLoopBackOff delay (Kubernetes: five minutes).
const MAX_RESTART_BACKOFF: SimDuration = SimDuration::from_mins(5);

/// Metric handles, registered once.
#[derive(Debug)]
struct Metrics {
    /// `[fleet region][version + 1 (0: none)][outcome]`.
    outcomes: Vec<Vec<[CounterId; 4]>>,
    /// `[fleet region][version]`.
    latency: Vec<Vec<HistogramId>>,
    ready: Vec<GaugeId>,
    desired: Vec<GaugeId>,
    pending: Vec<GaugeId>,
    nodes: Vec<GaugeId>,
    /// `[region][p50, p95, p99]` of the last scrape window.
    window_quantiles: Vec<[GaugeId; 3]>,
    /// Successful requests' latency in the current scrape window, per region.
    window: Vec<LatencyHistogram>,
    in_flight: Vec<GaugeId>,
    queued: Vec<GaugeId>,
    cpu: Vec<GaugeId>,
    /// Per instance.
    instance: Vec<InstanceMetrics>,
}

/// Per-instance series: CPU, memory, disk (log volume) and network.
#[derive(Debug)]
pub(crate) struct InstanceMetrics {
    cpu: GaugeId,
    memory: GaugeId,
    log: CounterId,
    receive: CounterId,
    transmit: CounterId,
    /// Busy slot-seconds at the previous scrape, for the CPU of the window.
    busy_at_last_scrape: f64,
}

impl InstanceMetrics {
    /// Registers the series of instance `i` in `region`.
    pub(crate) fn register(recorder: &mut Recorder, region: &str, i: usize) -> Self {
        let name = format!("{region}/{i}");
        let labels = [("region", region), ("instance", name.as_str())];
        InstanceMetrics {
            cpu: recorder.gauge("instance_cpu_utilisation_ratio", &labels),
            memory: recorder.gauge("instance_memory_bytes", &labels),
            log: recorder.counter("instance_log_bytes_total", &labels),
            receive: recorder.counter("instance_network_receive_bytes_total", &labels),
            transmit: recorder.counter("instance_network_transmit_bytes_total", &labels),
            busy_at_last_scrape: 0.0,
        }
    }
}

/// The simulated platform.
pub struct World {
    pub(crate) versions: Vec<Version>,
    pub(crate) classes: Vec<Class>,
    pub(crate) params: FleetParams,
    /// Fleet region serving each user region.
    pub(crate) route: Vec<usize>,
    pub(crate) arrivals: Vec<ArrivalProcess>,
    pub(crate) arrival_rngs: Vec<SimRng>,
    pub(crate) mix: RequestMix,
    pub(crate) instances: Vec<Instance>,
    /// Routable instances per fleet region, in index order.
    pub(crate) routable: Vec<Vec<usize>>,
    pub(crate) balancers: Vec<Box<dyn BalancerPolicy>>,
    pub(crate) requests: Requests,
    /// Timed-out requests still held by an instance.
    pub(crate) abandoned: u64,
    /// Requests not yet answered, per fleet region (the clients' view).
    pub(crate) in_flight: Vec<u64>,
    /// Requests waiting at each region's balancer for a free slot.
    pub(crate) waiting: Vec<VecDeque<RequestId>>,
    pub(crate) totals: Totals,
    pub(crate) recorder: Recorder,
    metrics: Metrics,
    pub(crate) log: EventLog,
    pub(crate) scrape_interval: SimDuration,
    /// Node pools per fleet region.
    pub(crate) nodes: Vec<NodePool>,
    /// The release new instances of each fleet region run.
    pub(crate) current_version: Vec<usize>,
    /// Every change of desired replicas.
    pub(crate) scaling: Vec<ScalingAction>,
    /// Waits of pods for a node, per fleet region (finished waits).
    pub(crate) pending: Vec<PendingTime>,
    /// One HPA per fleet region; empty without autoscaling.
    autoscalers: Vec<autoscaling::RegionAutoscaler>,
    /// Alert rules and Alertmanager, with Prometheus on.
    alerting: Option<crate::alerting::Alerting>,
    /// How releases ship (`None`: they are not simulated).
    deploy_policy: Option<DeployPolicy>,
    /// The rollout running in each fleet region.
    rollouts: Vec<Option<rollout::Rollout>>,
    /// The completed deployment each region still watches for its alert.
    watched: Vec<Option<usize>>,
    /// A release waiting for each region's rollout to end.
    queued_release: Vec<Option<usize>>,
    /// Every deployment so far.
    deployments: Vec<Deployment>,
    /// Failures drawn from a release's error rate, per fleet region.
    release_errors: Vec<u64>,
    /// Releases shipped at fixed times.
    timed_releases: Vec<(SimTime, usize)>,
    /// The CI pipeline, if one runs.
    ci: Option<pipeline::Ci>,
    /// When the pending Alertmanager flush event fires.
    alert_flush_at: Option<SimTime>,
    alert_rng: SimRng,
    mix_rng: SimRng,
    service_rng: SimRng,
    error_rng: SimRng,
    start_rng: SimRng,
    balancer_rng: SimRng,
}

impl World {
    /// Assembles a world; `run.rs` builds the parts from a scenario.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        seed: u64,
        versions: Vec<Version>,
        classes: Vec<Class>,
        params: FleetParams,
        route: Vec<usize>,
        arrivals: Vec<ArrivalProcess>,
        user_region_names: &[String],
        mix: RequestMix,
        instances: Vec<Instance>,
        balancers: Vec<Box<dyn BalancerPolicy>>,
        log: EventLog,
        scrape_interval: SimDuration,
    ) -> Self {
        let mut recorder = Recorder::new();
        let regions = params.regions.clone();
        let nodes = params.nodes.clone();
        let current_version = vec![params.current_version; regions.len()];
        let outcomes = regions
            .iter()
            .map(|r| {
                std::iter::once("none")
                    .chain(versions.iter().map(|v| v.name.as_str()))
                    .map(|v| {
                        Outcome::ALL.map(|o| {
                            recorder.counter(
                                "requests_total",
                                &[("region", r), ("version", v), ("outcome", o.label())],
                            )
                        })
                    })
                    .collect()
            })
            .collect();
        let latency = regions
            .iter()
            .map(|r| {
                versions
                    .iter()
                    .map(|v| {
                        recorder.histogram(
                            "request_duration_seconds",
                            &[("region", r), ("version", &v.name)],
                        )
                    })
                    .collect()
            })
            .collect();
        let per_region = |rec: &mut Recorder, name: &str| -> Vec<GaugeId> {
            regions
                .iter()
                .map(|r| rec.gauge(name, &[("region", r)]))
                .collect()
        };
        let ready = per_region(&mut recorder, "instances_ready");
        let desired = per_region(&mut recorder, "instances_desired");
        let pending = per_region(&mut recorder, "instances_pending");
        let nodes_gauges = per_region(&mut recorder, "nodes_ready");
        let window_quantiles = regions
            .iter()
            .map(|r| {
                ["0.5", "0.95", "0.99"].map(|q| {
                    recorder.gauge(
                        "request_duration_window_seconds",
                        &[("region", r), ("quantile", q)],
                    )
                })
            })
            .collect();
        let window = regions.iter().map(|_| LatencyHistogram::new()).collect();
        let in_flight = per_region(&mut recorder, "requests_in_flight");
        let queued = per_region(&mut recorder, "requests_queued");
        let cpu = per_region(&mut recorder, "cpu_utilisation_ratio");
        let instance_metrics = instances
            .iter()
            .enumerate()
            .map(|(i, inst)| InstanceMetrics::register(&mut recorder, &regions[inst.region], i))
            .collect();
        let arrival_rngs = user_region_names
            .iter()
            .map(|n| SimRng::stream(seed, &format!("traffic/{n}")))
            .collect();
        let routable = vec![Vec::new(); regions.len()];
        World {
            versions,
            classes,
            params,
            route,
            arrivals,
            arrival_rngs,
            mix,
            instances,
            routable,
            balancers,
            requests: Requests::default(),
            abandoned: 0,
            in_flight: vec![0; regions.len()],
            waiting: vec![VecDeque::new(); regions.len()],
            totals: Totals::default(),
            recorder,
            metrics: Metrics {
                outcomes,
                latency,
                ready,
                desired,
                pending,
                nodes: nodes_gauges,
                window_quantiles,
                window,
                in_flight,
                queued,
                cpu,
                instance: instance_metrics,
            },
            log,
            scrape_interval,
            nodes,
            current_version,
            scaling: Vec::new(),
            pending: vec![PendingTime::default(); regions.len()],
            autoscalers: Vec::new(),
            alerting: None,
            deploy_policy: None,
            rollouts: (0..regions.len()).map(|_| None).collect(),
            queued_release: vec![None; regions.len()],
            watched: vec![None; regions.len()],
            deployments: Vec::new(),
            release_errors: vec![0; regions.len()],
            timed_releases: Vec::new(),
            ci: None,
            alert_flush_at: None,
            alert_rng: SimRng::stream(seed, "monitoring/alert_delivery"),
            mix_rng: SimRng::stream(seed, "traffic/mix"),
            service_rng: SimRng::stream(seed, "fleet/service"),
            error_rng: SimRng::stream(seed, "fleet/errors"),
            start_rng: SimRng::stream(seed, "fleet/starts"),
            balancer_rng: SimRng::stream(seed, "fleet/balancer"),
        }
    }

    /// Requests not yet answered, from the clients' point of view.
    pub fn in_flight(&self) -> u64 {
        let total = self.in_flight.iter().sum();
        debug_assert_eq!(total, self.requests.in_flight() - self.abandoned);
        total
    }

    /// The client-side totals.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Outcome counts per fleet region and version (`None`: no instance was
    /// chosen), in the order of `Outcome::ALL`.
    pub fn outcome_counts(&self) -> Vec<(usize, Option<usize>, [u64; 4])> {
        let mut out = Vec::new();
        for (r, per_version) in self.metrics.outcomes.iter().enumerate() {
            for (v, ids) in per_version.iter().enumerate() {
                let counts = ids.map(|id| self.recorder.counter_value(id) as u64);
                out.push((r, v.checked_sub(1), counts));
            }
        }
        out
    }

    /// Latency of successful requests served in region `r` by version `v`.
    pub fn latency(&self, r: usize, v: usize) -> sim_core::record::LatencySummary {
        self.recorder.quantiles(self.metrics.latency[r][v])
    }

    /// Latency of all successful requests.
    pub fn overall_latency(&self) -> sim_core::record::LatencySummary {
        let mut all = sim_core::record::LatencyHistogram::new();
        for ids in &self.metrics.latency {
            for &id in ids {
                all.merge(self.recorder.latency(id));
            }
        }
        all.summary()
    }

    /// Mean CPU utilisation (busy slots over slots) of region `r` so far.
    pub fn utilisation(&self, r: usize, now: SimTime) -> f64 {
        let (busy, count) =
            self.instances
                .iter()
                .filter(|x| x.region == r)
                .fold((0.0, 0.0), |(b, c), x| {
                    let open = x.serving.len() as f64 * (now - x.last_change).as_secs_f64();
                    (b + x.busy_slot_seconds + open, c + 1.0)
                });
        let capacity = count * f64::from(self.params.slots) * now.as_secs_f64();
        if capacity > 0.0 { busy / capacity } else { 0.0 }
    }

    /// How many instances were ever created (indices run `0..instance_count()`).
    pub fn instance_count(&self) -> usize {
        self.instances.len()
    }

    /// Instance `i`.
    pub fn instance(&self, i: usize) -> &Instance {
        &self.instances[i]
    }

    /// The recorded metrics.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The event log (empty unless the scenario is verbose).
    pub fn event_log(&self) -> &EventLog {
        &self.log
    }

    /// Whether every arrival is accounted for:
    /// arrivals = succeeded + failed + timed out + rejected + in flight.
    pub fn conserved(&self) -> bool {
        let t = self.totals;
        t.arrivals == t.succeeded + t.failed + t.timed_out + t.rejected + self.in_flight()
    }

    /// Records how a request admitted at `arrived` ended; it leaves `in_flight`.
    fn finish(
        &mut self,
        now: SimTime,
        arrived: SimTime,
        region: usize,
        version: Option<usize>,
        outcome: Outcome,
    ) {
        self.in_flight[region] -= 1;
        self.count(now, now - arrived, region, version, outcome);
    }

    /// Counts an ended request (into the verbose log too, if enabled).
    fn count(
        &mut self,
        now: SimTime,
        took: SimDuration,
        region: usize,
        version: Option<usize>,
        outcome: Outcome,
    ) {
        if self.rollouts[region].is_some() {
            self.observe_for_canary(region, version, took, outcome != Outcome::Succeeded);
        }
        self.log.log(now, "request", |r| {
            let version = version.map_or("-", |v| self.versions[v].name.as_str());
            r.field("region", self.params.regions[region].as_str())
                .field("version", version)
                .field("outcome", outcome.label())
                .field("took_ms", (took.as_secs_f64() * 1e6).round() / 1e3);
        });
        match outcome {
            Outcome::Succeeded => self.totals.succeeded += 1,
            Outcome::Failed => self.totals.failed += 1,
            Outcome::TimedOut => self.totals.timed_out += 1,
            Outcome::Rejected => self.totals.rejected += 1,
        }
        let v = version.map_or(0, |v| v + 1);
        self.recorder
            .inc(self.metrics.outcomes[region][v][outcome as usize]);
    }

    // ---- the request path ----------------------------------------------

    fn schedule_arrival(&mut self, cx: &mut Context<'_, Event>, region: usize) {
        let now = cx.now();
        if let Some(t) = self.arrivals[region].next_arrival(now, &mut self.arrival_rngs[region]) {
            let ev = TrafficEvent::Arrival {
                region: region as u16,
            };
            cx.schedule_at(t, ev.into())
                .expect("arrivals never go back in time");
        }
    }

    /// A request arrives from user region `user_region` and goes to its
    /// regional balancer, which picks a routable instance.
    fn arrive(&mut self, cx: &mut Context<'_, Event>, user_region: usize) {
        self.schedule_arrival(cx, user_region);
        self.totals.arrivals += 1;
        let class = self.mix.pick(&mut self.mix_rng);
        let region = self.route[user_region];
        let picked = self.balancers[region].pick(
            &self.routable[region],
            &self.instances,
            &mut self.balancer_rng,
        );
        let Some(i) = picked else {
            return self.count(cx.now(), SimDuration::ZERO, region, None, Outcome::Rejected);
        };
        let inst = &self.instances[i];
        let version = inst.version;
        if !matches!(inst.lifecycle, Lifecycle::Up | Lifecycle::Ready) {
            // Routed before the process is up (probes off): connection refused.
            return self.count(
                cx.now(),
                SimDuration::ZERO,
                region,
                Some(version),
                Outcome::Failed,
            );
        }
        let has_slot = inst.serving.len() < self.params.slots as usize;
        let instance_queue_full = inst.queue.len() >= self.params.queue_limit as usize;
        let balancer_queue_full =
            self.waiting[region].len() >= self.params.balancer_queue_limit as usize;
        if !has_slot && instance_queue_full && balancer_queue_full {
            return self.count(
                cx.now(),
                SimDuration::ZERO,
                region,
                Some(version),
                Outcome::Rejected,
            );
        }
        let id = self.admit(cx, region, user_region, class);
        if has_slot {
            self.start_service(cx, i, id);
        } else if !instance_queue_full {
            self.requests.get_mut(id).instance = Some(i as u32);
            self.instances[i].queue.push_back(id);
        } else {
            // Every slot and instance queue is taken: wait at the balancer for
            // the first instance of the region to free a slot.
            self.waiting[region].push_back(id);
        }
    }

    /// Creates the request and starts its client's timeout.
    fn admit(
        &mut self,
        cx: &mut Context<'_, Event>,
        region: usize,
        user_region: usize,
        class: usize,
    ) -> RequestId {
        let id = self.requests.insert(Request {
            arrived: cx.now(),
            user_region: user_region as u16,
            region: region as u16,
            class: class as u16,
            instance: None,
            stage: Stage::Queued,
            timeout: None,
        });
        self.in_flight[region] += 1;
        let timeout = FleetEvent::Timeout { request: id };
        self.requests.get_mut(id).timeout =
            Some(cx.schedule_in(self.params.request_timeout, timeout.into()));
        id
    }

    fn start_service(&mut self, cx: &mut Context<'_, Event>, i: usize, id: RequestId) {
        let inst = &mut self.instances[i];
        inst.account(cx.now());
        inst.serving.push(id);
        inst.served += 1;
        let life = inst.restarts;
        let version = inst.version;
        let req = self.requests.get_mut(id);
        req.stage = Stage::InService;
        req.instance = Some(i as u32);
        let class = &self.classes[req.class as usize];
        self.recorder
            .add(self.metrics.instance[i].receive, class.request_bytes as f64);
        let work = class.work_factor;
        let seconds = self.versions[version].service.sample(&mut self.service_rng) * work;
        let done = FleetEvent::ServiceDone {
            instance: i as u32,
            life,
            request: id,
        };
        cx.schedule_in(SimDuration::from_secs_f64(seconds), done.into());
    }

    fn finish_service(&mut self, cx: &mut Context<'_, Event>, i: usize, id: RequestId) {
        let now = cx.now();
        let inst = &mut self.instances[i];
        inst.account(now);
        let pos = inst
            .serving
            .iter()
            .position(|&r| r == id)
            .expect("served request is on its instance");
        inst.serving.swap_remove(pos);
        let (region, version) = (inst.region, inst.version);
        let req = *self.requests.get(id);
        self.requests.remove(id);
        self.recorder.add(
            self.metrics.instance[i].log,
            self.params.log_bytes_per_request as f64,
        );
        if req.stage == Stage::Abandoned {
            self.abandoned -= 1;
        } else {
            if let Some(key) = req.timeout {
                cx.cancel(key);
            }
            let bytes = self.classes[req.class as usize].response_bytes;
            self.recorder
                .add(self.metrics.instance[i].transmit, bytes as f64);
            let failed = self.error_rng.uniform() < self.versions[version].error_rate;
            self.release_errors[region] += u64::from(failed);
            let outcome = if failed {
                Outcome::Failed
            } else {
                Outcome::Succeeded
            };
            self.finish(now, req.arrived, region, Some(version), outcome);
            if !failed {
                let latency = now - req.arrived;
                self.recorder
                    .record(self.metrics.latency[region][version], latency);
                self.metrics.window[region].record(latency);
            }
        }
        self.fill_slots(cx, i);
        self.finish_draining(cx, i);
    }

    /// Gives instance `i`'s free slots to the oldest requests still wanted:
    /// first its own queue, then (if it takes traffic) its balancer's.
    fn fill_slots(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let region = self.instances[i].region;
        while self.instances[i].serving.len() < self.params.slots as usize {
            let next = match self.instances[i].queue.pop_front() {
                Some(id) => id,
                None if self.instances[i].routable => match self.waiting[region].pop_front() {
                    Some(id) => id,
                    None => return,
                },
                None => return,
            };
            if self.requests.get(next).stage == Stage::Abandoned {
                self.requests.remove(next);
                self.abandoned -= 1;
                continue;
            }
            self.start_service(cx, i, next);
        }
    }

    /// The client of request `id` gives up. The request stays where it is
    /// (an instance may still be working on it) and is dropped when reached.
    fn time_out(&mut self, now: SimTime, id: RequestId) {
        let req = self.requests.get_mut(id);
        let arrived = req.arrived;
        req.stage = Stage::Abandoned;
        req.timeout = None;
        let region = req.region as usize;
        let version = req.instance.map(|i| self.instances[i as usize].version);
        self.abandoned += 1;
        self.finish(now, arrived, region, version, Outcome::TimedOut);
    }

    // ---- instance lifecycle ---------------------------------------------

    /// Starts (or restarts) instance `i` now: cold start, then readiness.
    pub(crate) fn boot(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let now = cx.now();
        let gated = self.params.readiness.is_some();
        let inst = &mut self.instances[i];
        inst.lifecycle = Lifecycle::Starting;
        inst.created_at = now;
        inst.last_change = now;
        inst.set_routable(!gated, now);
        if let Some(since) = inst.pending_since.take() {
            let waited = now - since;
            let region = inst.region;
            self.pending[region].record(waited);
        }
        let inst = &self.instances[i];
        let life = inst.restarts;
        let up = FleetEvent::ProcessUp {
            instance: i as u32,
            life,
        };
        cx.schedule_in(self.versions[inst.version].startup, up.into());
        self.schedule_oom(cx, i);
        if let Some(probe) = self.params.readiness {
            let ev = FleetEvent::ReadinessProbe {
                instance: i as u32,
                life,
                successes: 0,
            };
            cx.schedule_in(probe.initial_delay, ev.into());
        }
        self.refresh_routable(self.instances[i].region);
    }

    /// With a leaking release, idle memory reaches the limit after
    /// (limit − base) ÷ leak of uptime: then the OOM killer (memory held by
    /// requests in flight is not counted toward it).
    fn schedule_oom(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let inst = &self.instances[i];
        let leak = self.versions[inst.version].leak_bytes_per_s;
        if leak > 0.0 {
            let room = self
                .params
                .memory_limit_bytes
                .saturating_sub(self.params.base_memory_bytes);
            let oom = FleetEvent::OutOfMemory {
                instance: i as u32,
                life: inst.restarts,
            };
            cx.schedule_in(SimDuration::from_secs_f64(room as f64 / leak), oom.into());
        }
    }

    fn process_up(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        let p = self.versions[self.instances[i].version].crash_on_start;
        if p > 0.0 && self.start_rng.uniform() < p {
            self.log.log(cx.now(), "crash_on_start", |r| {
                r.field("instance", i);
            });
            return self.crash(cx, i);
        }
        self.instances[i].lifecycle = Lifecycle::Up;
        // With probes off it was routable already; now it can serve.
        self.fill_slots(cx, i);
    }

    fn readiness_probe(&mut self, cx: &mut Context<'_, Event>, i: usize, successes: u32) {
        let Some(probe) = self.params.readiness else {
            return;
        };
        let inst = &mut self.instances[i];
        let successes = if inst.lifecycle == Lifecycle::Up {
            successes + 1
        } else {
            0
        };
        if successes >= probe.success_threshold {
            inst.lifecycle = Lifecycle::Ready;
            inst.set_routable(true, cx.now());
            inst.crash_streak = 0;
            let (region, life) = (inst.region, inst.restarts);
            self.log.log(cx.now(), "instance_ready", |r| {
                r.field("instance", i).field("life", life);
            });
            self.refresh_routable(region);
            self.fill_slots(cx, i);
        } else {
            let ev = FleetEvent::ReadinessProbe {
                instance: i as u32,
                life: inst.restarts,
                successes,
            };
            cx.schedule_in(probe.period, ev.into());
        }
    }

    /// Instance `i` crashes: everything on it fails; the kubelet restarts it later.
    pub(crate) fn crash(&mut self, cx: &mut Context<'_, Event>, i: usize) {
        match self.instances[i].lifecycle {
            Lifecycle::Crashed | Lifecycle::Pending | Lifecycle::Terminated => {}
            // An instance on its way out is not restarted.
            Lifecycle::Terminating => self.kill(cx, i, Lifecycle::Terminated),
            _ => {
                self.kill(cx, i, Lifecycle::Crashed);
                // CrashLoopBackOff: 10 s, doubling per crash in a row, at most 5 min.
                let streak = &mut self.instances[i].crash_streak;
                let delay = self
                    .params
                    .restart_delay
                    .saturating_mul(1 << (*streak).min(5))
                    .min(MAX_RESTART_BACKOFF);
                *streak += 1;
                let restart = FleetEvent::Restart { instance: i as u32 };
                cx.schedule_in(delay, restart.into());
            }
        }
    }

    /// Stops instance `i` at once: every request it holds fails, events of
    /// its current life become void, and it ends up in `end`.
    pub(crate) fn kill(&mut self, cx: &mut Context<'_, Event>, i: usize, end: Lifecycle) {
        let now = cx.now();
        let inst = &mut self.instances[i];
        inst.account(now);
        inst.lifecycle = end;
        inst.set_routable(false, now);
        inst.restarts += 1;
        let (region, version) = (inst.region, inst.version);
        let lost: Vec<RequestId> = inst.serving.drain(..).chain(inst.queue.drain(..)).collect();
        for id in lost {
            let req = *self.requests.get(id);
            self.requests.remove(id);
            if req.stage == Stage::Abandoned {
                self.abandoned -= 1;
            } else {
                if let Some(key) = req.timeout {
                    cx.cancel(key);
                }
                self.finish(now, req.arrived, region, Some(version), Outcome::Failed);
            }
        }
        self.log.log(now, "instance_stopped", |r| {
            r.field("instance", i).field("as", format!("{end:?}"));
        });
        self.refresh_routable(region);
        if end == Lifecycle::Terminated {
            self.place_pending(cx, region);
        }
    }

    fn refresh_routable(&mut self, region: usize) {
        let list = &mut self.routable[region];
        list.clear();
        list.extend(
            self.instances
                .iter()
                .enumerate()
                .filter(|(_, x)| x.region == region && x.routable)
                .map(|(i, _)| i),
        );
    }

    // ---- monitoring -----------------------------------------------------

    /// Samples every series. CPU is the busy fraction of the slots over the
    /// scrape window; memory is base plus per-request memory of what is held.
    fn scrape(&mut self, cx: &mut Context<'_, Event>) {
        let now = cx.now();
        let window = self.scrape_interval.as_secs_f64();
        let slots = f64::from(self.params.slots);
        let regions = self.params.regions.len();
        let (mut ready, mut queued, mut busy, mut count) = (
            vec![0.0; regions],
            vec![0.0; regions],
            vec![0.0; regions],
            vec![0.0; regions],
        );
        for (inst, m) in self.instances.iter_mut().zip(&mut self.metrics.instance) {
            inst.account(now);
            let r = inst.region;
            let version = &self.versions[inst.version];
            let busy_in_window =
                (inst.busy_slot_seconds - m.busy_at_last_scrape) * version.cpu_factor;
            m.busy_at_last_scrape = inst.busy_slot_seconds;
            let held = inst.outstanding() as u64;
            let leaked = version.leak_bytes_per_s * (now - inst.created_at).as_secs_f64();
            let memory = (self.params.base_memory_bytes
                + held * self.params.memory_per_request_bytes) as f64
                + leaked;
            let alive = inst.lifecycle.on_node() && inst.lifecycle != Lifecycle::Crashed;
            let cpu = if window > 0.0 {
                busy_in_window / (slots * window)
            } else {
                0.0
            };
            self.recorder.set(m.cpu, cpu);
            self.recorder
                .set(m.memory, if alive { memory } else { 0.0 });
            count[r] += 1.0;
            busy[r] += busy_in_window;
            ready[r] += f64::from(u8::from(inst.lifecycle == Lifecycle::Ready));
            queued[r] += inst.queue.len() as f64;
        }
        for r in 0..regions {
            let capacity = count[r] * slots * window;
            let cpu = if capacity > 0.0 {
                busy[r] / capacity
            } else {
                0.0
            };
            self.recorder.set(self.metrics.ready[r], ready[r]);
            self.recorder.set(
                self.metrics.queued[r],
                queued[r] + self.waiting[r].len() as f64,
            );
            self.recorder.set(self.metrics.cpu[r], cpu);
            self.recorder
                .set(self.metrics.in_flight[r], self.in_flight[r] as f64);
            self.recorder
                .set(self.metrics.desired[r], f64::from(self.replicas(r)));
            let pending = self
                .instances
                .iter()
                .filter(|x| x.region == r && x.lifecycle == Lifecycle::Pending);
            self.recorder
                .set(self.metrics.pending[r], pending.count() as f64);
            self.recorder
                .set(self.metrics.nodes[r], f64::from(self.nodes[r].ready));
            let window = &mut self.metrics.window[r];
            for (gauge, q) in self.metrics.window_quantiles[r]
                .into_iter()
                .zip([0.5, 0.95, 0.99])
            {
                self.recorder.set(gauge, window.quantile(q).as_secs_f64());
            }
            window.reset();
        }
        self.export_pipeline();
        self.recorder.sample(now);
        self.evaluate_alerts(cx);
        cx.schedule_in(self.scrape_interval, MonitorEvent::Scrape.into());
    }
}

impl Model for World {
    type Event = Event;

    /// The fleet at time zero is already running and ready (a steady-state
    /// platform, not a cold one); cold start applies to restarted instances.
    fn init(&mut self, cx: &mut Context<'_, Event>) {
        for r in 0..self.params.regions.len() {
            let pool = self.nodes[r];
            let mut room = pool.ready * pool.pods_per_node;
            for i in 0..self.instances.len() {
                let inst = &mut self.instances[i];
                if inst.region != r {
                    continue;
                }
                if room > 0 {
                    room -= 1;
                    inst.lifecycle = Lifecycle::Ready;
                    inst.set_routable(true, cx.now());
                    self.schedule_oom(cx, i);
                } else {
                    inst.lifecycle = Lifecycle::Pending;
                    inst.routable = false;
                    inst.pending_since = Some(cx.now());
                }
            }
            self.refresh_routable(r);
            self.place_pending(cx, r);
        }
        for r in 0..self.arrivals.len() {
            self.schedule_arrival(cx, r);
        }
        cx.schedule_in(SimDuration::ZERO, MonitorEvent::Scrape.into());
        self.start_autoscalers(cx);
        self.start_pipeline(cx);
    }

    fn handle(&mut self, cx: &mut Context<'_, Event>, event: Event) {
        match event {
            Event::Traffic(TrafficEvent::Arrival { region }) => self.arrive(cx, region as usize),
            Event::Fleet(e) => self.handle_fleet(cx, e),
            Event::Monitor(MonitorEvent::Scrape) => self.scrape(cx),
            Event::Monitor(MonitorEvent::AlertFlush) => self.flush_alerts(cx),
            Event::Autoscale(e) => self.handle_autoscale(cx, e),
            Event::Deploy(e) => self.handle_deploy(cx, e),
            Event::Pipeline(e) => self.handle_pipeline(cx, e),
        }
    }
}

impl World {
    fn handle_fleet(&mut self, cx: &mut Context<'_, Event>, event: FleetEvent) {
        // Events scheduled in an instance's earlier life (before a crash) are void.
        let current =
            |w: &World, instance: u32, life: u32| w.instances[instance as usize].restarts == life;
        match event {
            FleetEvent::ServiceDone {
                instance,
                life,
                request,
            } if current(self, instance, life) => {
                self.finish_service(cx, instance as usize, request)
            }
            FleetEvent::ProcessUp { instance, life } if current(self, instance, life) => {
                self.process_up(cx, instance as usize)
            }
            FleetEvent::ReadinessProbe {
                instance,
                life,
                successes,
            } if current(self, instance, life) => {
                self.readiness_probe(cx, instance as usize, successes)
            }
            FleetEvent::OutOfMemory { instance, life } if current(self, instance, life) => {
                self.log.log(cx.now(), "oom_killed", |r| {
                    r.field("instance", instance);
                });
                self.crash(cx, instance as usize)
            }
            FleetEvent::ServiceDone { .. }
            | FleetEvent::OutOfMemory { .. }
            | FleetEvent::ProcessUp { .. }
            | FleetEvent::ReadinessProbe { .. } => {}
            FleetEvent::Timeout { request } => self.time_out(cx.now(), request),
            FleetEvent::Crash { instance } => self.crash(cx, instance as usize),
            FleetEvent::Restart { instance } => {
                if self.instances[instance as usize].lifecycle == Lifecycle::Crashed {
                    self.boot(cx, instance as usize);
                }
            }
            FleetEvent::NodeReady { region } => self.node_ready(cx, region as usize),
            FleetEvent::ScaleTo { region, replicas } => {
                self.scale_to(cx, region as usize, replicas, "requested")
            }
            FleetEvent::TerminationDeadline { instance, life } if current(self, instance, life) => {
                self.kill(cx, instance as usize, Lifecycle::Terminated)
            }
            FleetEvent::TerminationDeadline { .. } => {}
        }
    }
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("instances", &self.instances.len())
            .field("totals", &self.totals)
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

#[cfg(test)]
mod validation;
