//! Engine benchmarks, each beside its `baseline/binaryheap/...` twin so one
//! run gives the ratio (see `baseline.rs`):
//! - `hold/{1k,100k}`: N pending events, pop the earliest, reschedule at now + Exp(1 s);
//! - `mmc/c4_rho0.9`: an M/M/4 queue at 90 % load, 100k customers;
//! - `schedule/10k` and `cancel/10k`: schedule 10k events and run them, versus
//!   schedule 10k events, cancel them all, and run (nothing fires).

mod baseline;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sim_core::classic::{Hold, MultiServerQueue};
use sim_core::{Context, Dist, Model, SimDuration, SimRng, SimTime, Simulation};

const SEED: u64 = 42;
/// Events timed per iteration of the hold benchmarks.
const HOLD_EVENTS: u64 = 100_000;

fn hold(c: &mut Criterion) {
    for (label, pending) in [("1k", 1_000u32), ("100k", 100_000)] {
        let mut g = c.benchmark_group("hold");
        g.throughput(Throughput::Elements(HOLD_EVENTS));
        // Same model, same draws: the engine and its twin must end at the same instant.
        let mut sim = Simulation::new(Hold::new(pending, SEED), SEED);
        let mut twin = baseline::HoldHeap::new(pending, SEED);
        for _ in 0..HOLD_EVENTS {
            sim.step();
        }
        twin.run(HOLD_EVENTS);
        assert_eq!(sim.now().as_nanos(), twin.now, "engine and twin diverged");
        drop(g);

        let mut g = c.benchmark_group("engine/hold");
        g.throughput(Throughput::Elements(HOLD_EVENTS));
        g.bench_function(label, |b| {
            b.iter(|| {
                for _ in 0..HOLD_EVENTS {
                    black_box(sim.step());
                }
            })
        });
        g.finish();
        let mut g = c.benchmark_group("baseline/binaryheap/hold");
        g.throughput(Throughput::Elements(HOLD_EVENTS));
        g.bench_function(label, |b| b.iter(|| twin.run(HOLD_EVENTS)));
        g.finish();
    }
}

fn mmc(c: &mut Criterion) {
    const CUSTOMERS: u64 = 100_000;
    let (servers, rho) = (4u32, 0.9);
    let interarrival = Dist::exponential(1.0 / (rho * f64::from(servers))).expect("valid");
    let service = Dist::exponential(1.0).expect("valid");
    let engine = || {
        let model = MultiServerQueue::new(
            servers,
            interarrival.clone(),
            service.clone(),
            CUSTOMERS,
            0,
            SEED,
        );
        let mut sim = Simulation::new(model, SEED);
        sim.run();
        sim.into_model().stats()
    };
    let twin =
        || baseline::multi_server_queue(servers, &interarrival, &service, CUSTOMERS, 0, SEED);
    assert_eq!(engine(), twin(), "engine and twin diverged");

    let mut g = c.benchmark_group("engine/mmc");
    g.throughput(Throughput::Elements(2 * CUSTOMERS));
    g.bench_function("c4_rho0.9", |b| b.iter(|| black_box(engine())));
    g.finish();
    let mut g = c.benchmark_group("baseline/binaryheap/mmc");
    g.throughput(Throughput::Elements(2 * CUSTOMERS));
    g.bench_function("c4_rho0.9", |b| b.iter(|| black_box(twin())));
    g.finish();
}

/// Handles events by doing nothing, so only scheduling and dispatch are timed.
struct Sink;
impl Model for Sink {
    type Event = u32;
    fn handle(&mut self, _: &mut Context<'_, u32>, event: u32) {
        black_box(event);
    }
}

fn cancel(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut rng = SimRng::stream(SEED, "cancel");
    let times: Vec<SimDuration> = (0..N)
        .map(|_| SimDuration::from_secs_f64(rng.exp(1.0)))
        .collect();

    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("schedule/10k", |b| {
        b.iter_batched_ref(
            || Simulation::new(Sink, SEED),
            |sim| {
                for (i, d) in times.iter().enumerate() {
                    sim.schedule_in(*d, i as u32);
                }
                sim.run()
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("cancel/10k", |b| {
        b.iter_batched_ref(
            || (Simulation::new(Sink, SEED), Vec::with_capacity(N)),
            |(sim, keys)| {
                for (i, d) in times.iter().enumerate() {
                    keys.push(sim.schedule_in(*d, i as u32));
                }
                for k in keys.iter() {
                    sim.cancel(*k);
                }
                sim.run()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // The twin cancels lazily with a flag per sequence number, as one would by hand.
    let mut g = c.benchmark_group("baseline/binaryheap");
    g.throughput(Throughput::Elements(N as u64));
    let run_twin = |cancel_all: bool| {
        let mut heap = BinaryHeap::with_capacity(N);
        let mut cancelled = vec![false; N];
        for (seq, d) in times.iter().enumerate() {
            heap.push(Reverse((SimTime::ZERO + *d, seq, seq as u32)));
        }
        if cancel_all {
            cancelled.iter_mut().for_each(|c| *c = true);
        }
        while let Some(Reverse((_, seq, ev))) = heap.pop() {
            if !cancelled[seq] {
                black_box(ev);
            }
        }
    };
    g.bench_function("schedule/10k", |b| b.iter(|| run_twin(false)));
    g.bench_function("cancel/10k", |b| b.iter(|| run_twin(true)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = hold, mmc, cancel
}
criterion_main!(benches);
