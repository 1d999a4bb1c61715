//! The `devops-sim` command line. For now it only says what it is; `run`,
//! `validate`, `sweep` and `export` arrive with the models that need them.

use clap::Parser;

/// DevOps Simulator: ask "what happens if…" of a whole production stack and
/// get a reproducible answer in seconds.
#[derive(Parser)]
#[command(name = "devops-sim", version, about, long_about = None)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!(
        "devops-sim {}: the engine is ready; scenarios arrive with the models.",
        env!("CARGO_PKG_VERSION")
    );
    println!("Try `cargo run --release --example mmc_queue` or see README.md.");
}
