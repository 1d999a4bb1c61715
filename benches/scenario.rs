//! `scenario/production_1h`: one simulated hour of the built-in production
//! scenario (≈ 1,000 requests/s, diurnal), reported as simulated seconds per
//! wall second through criterion's element throughput (elements = simulated
//! seconds). Events per second are printed once before timing.

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

criterion_group!(benches, production_1h);
criterion_main!(benches);
