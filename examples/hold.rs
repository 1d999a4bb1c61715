//! The hold benchmark model: N pending events; pop the earliest and
//! reschedule it at now + Exp(1 s). Prints events per second and the bytes the
//! queue holds per pending event, and checks that simulated time advanced as
//! theory says (N events fire per simulated second on average).
//!
//! `cargo run --release --example hold -- --pending 100000 --events 20000000 [--json]`

use std::time::Instant;

use clap::Parser;
use sim_core::Simulation;
use sim_core::classic::Hold;

#[derive(Parser)]
struct Args {
    /// Events kept pending.
    #[arg(long, default_value_t = 100_000)]
    pending: u32,
    /// Events to fire.
    #[arg(long, default_value_t = 2_000_000)]
    events: u64,
    /// Root seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON line (for benches/peers/run_peers.py).
    #[arg(long)]
    json: bool,
}

#[allow(clippy::disallowed_methods)] // wall-clock timing of the run is the point here
fn main() {
    let args = Args::parse();
    let mut sim = Simulation::new(Hold::new(args.pending, args.seed), args.seed);
    let start = Instant::now();
    for _ in 0..args.events {
        sim.step();
    }
    let seconds = start.elapsed().as_secs_f64();
    let rate = args.events as f64 / seconds;
    let bytes_per_pending = sim.queue_allocated_bytes() as f64 / sim.pending() as f64;

    // Each pending event fires once per simulated second on average, so
    // `events` events take about events / pending simulated seconds.
    let expected = args.events as f64 / f64::from(args.pending);
    let simulated = sim.now().as_secs_f64();
    assert_eq!(
        sim.pending(),
        args.pending as usize,
        "hold must keep its population"
    );
    assert!(
        (simulated / expected - 1.0).abs() < 0.1 || args.events < 10 * u64::from(args.pending),
        "simulated {simulated:.1} s, expected about {expected:.1} s"
    );

    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "engine": "devops-sim", "model": "hold", "pending": args.pending,
                "events": args.events, "seconds": seconds, "events_per_sec": rate,
                "bytes_per_pending": bytes_per_pending,
            })
        );
    } else {
        println!(
            "hold N={}: {} events in {seconds:.3} s = {:.2} M events/s; {bytes_per_pending:.1} bytes per pending event; simulated {simulated:.1} s",
            args.pending,
            args.events,
            rate / 1e6
        );
    }
}
