//! `scenario/production_1h`: one simulated hour of the built-in production
//! scenario (≈ 1,000 requests/s, diurnal), reported as simulated seconds per
//! wall second through criterion's element throughput (elements = simulated
//! seconds). Events per second are printed once before timing.
//!
//! `monitoring/*`: the cost of the scrape loop (issue target: 1,000 series
//! every 15 s costs ≤ 10 % of the run). The same hour of production traffic
//! on a fleet of 196 instances (5 series each, ≈ 1,000 in all, autoscaling
//! off so the count stays put), scraped every 15 s and scraped only at the
//! start and end; the difference is the scrape loop's share.

use std::hint::black_box;
use std::ops::ControlFlow;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sim_core::SimDuration;
use sim_models::run::run_scenario;
use sim_models::scenario::{Profile, ScenarioConfig};

fn production_1h(c: &mut Criterion) {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_hours(1);
    let run = || run_scenario(&sc, 42, |_| ControlFlow::Continue(())).expect("the preset runs");
    let (report, _) = run();
    println!(
        "scenario/production_1h: {} events, {} requests per simulated hour",
        report.events, report.conservation.totals.arrivals
    );
    let mut g = c.benchmark_group("scenario");
    g.sample_size(10);
    g.throughput(Throughput::Elements(3_600));
    g.bench_function("production_1h", |b| b.iter(|| black_box(run())));
    g.finish();
}

fn scrape_cost(c: &mut Criterion) {
    let mut sc = ScenarioConfig::preset(Profile::Production);
    sc.duration = SimDuration::from_hours(1);
    sc.fleet.regions[0].instances = 196;
    sc.fleet.autoscaling.enabled = false;
    sc.fleet.nodes.initial = 49;
    sc.fleet.nodes.max = 49;
    let mut g = c.benchmark_group("monitoring");
    g.sample_size(10);
    for (name, interval) in [
        ("scrape_15s_1000_series", SimDuration::from_secs(15)),
        ("scrape_off", sc.duration),
    ] {
        let mut sc = sc.clone();
        sc.monitoring.scrape_interval = interval;
        let run = || run_scenario(&sc, 42, |_| ControlFlow::Continue(())).expect("runs");
        let (_, world) = run();
        let series = world.recorder().series();
        let points: usize = world.recorder().series().map(|s| s.len()).sum();
        println!(
            "monitoring/{name}: {} series, {points} points",
            series.len()
        );
        g.bench_function(name, |b| b.iter(|| black_box(run())));
    }
    g.finish();
}

criterion_group!(benches, production_1h, scrape_cost);
criterion_main!(benches);
