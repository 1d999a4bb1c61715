//! An M/M/c queue on sim-core: simulated waiting time against Erlang C.
//! Runs independent replications in parallel, builds a Student-t confidence
//! interval of the mean wait, and asserts that theory lies inside it.
//!
//! `cargo run --release --example mmc_queue -- --servers 4 --rho 0.9 [--json]`

use std::time::Instant;

use clap::Parser;
use sim_core::classic::MultiServerQueue;
use sim_core::replicate::replicate;
use sim_core::stats::Summary;
use sim_core::stats::theory::mmc_wait;
use sim_core::{Dist, Simulation};

#[derive(Parser)]
struct Args {
    /// Servers (c).
    #[arg(long, default_value_t = 4)]
    servers: u32,
    /// Utilisation ρ = λ / (c μ), with μ = 1 per second.
    #[arg(long, default_value_t = 0.9)]
    rho: f64,
    /// Customers per replication.
    #[arg(long, default_value_t = 200_000)]
    customers: u64,
    /// Replications (run in parallel).
    #[arg(long, default_value_t = 20)]
    replications: usize,
    /// Root seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON line with the single-thread event rate of one replication
    /// (for benches/peers/run_peers.py).
    #[arg(long)]
    json: bool,
}

fn run_one(args: &Args, seed: u64) -> (f64, u64) {
    let lambda = args.rho * f64::from(args.servers);
    let interarrival = Dist::exponential(1.0 / lambda).expect("ρ must be > 0");
    let service = Dist::exponential(1.0).expect("valid");
    let warmup = args.customers / 10;
    let model = MultiServerQueue::new(
        args.servers,
        interarrival,
        service,
        args.customers,
        warmup,
        seed,
    );
    let mut sim = Simulation::new(model, seed);
    let summary = sim.run();
    (sim.model().stats().mean_wait_s(), summary.events)
}

#[allow(clippy::disallowed_methods)] // wall-clock timing of the run is the point here
fn main() {
    let args = Args::parse();
    let lambda = args.rho * f64::from(args.servers);
    let theory = mmc_wait(args.servers, lambda, 1.0).expect("a stable queue: 0 < ρ < 1");

    if args.json {
        let start = Instant::now();
        let (wait, events) = run_one(&args, args.seed);
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({
                "engine": "devops-sim", "model": "mmc", "servers": args.servers, "rho": args.rho,
                "customers": args.customers, "events": events, "seconds": seconds,
                "events_per_sec": events as f64 / seconds, "mean_wait_s": wait,
            })
        );
        return;
    }

    let waits: Summary = replicate(args.replications, args.seed, |seed| run_one(&args, seed).0)
        .into_iter()
        .collect();
    let ci = waits
        .confidence_interval(0.99)
        .expect("at least 2 replications");
    println!(
        "M/M/{} at ρ = {}: {} replications × {} customers",
        args.servers, args.rho, args.replications, args.customers
    );
    println!("  simulated Wq = {ci}");
    println!("  Erlang C  Wq = {theory:.4} s");
    assert!(
        ci.contains(theory),
        "theory {theory} outside the simulated interval {ci}"
    );
    println!("  theory lies inside the 99% confidence interval");
}
