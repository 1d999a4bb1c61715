//! The `devops-sim` command line: run a scenario and print its report, or
//! check a scenario before it is promoted to production.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use sim_core::SimDuration;
use sim_models::scenario::{LoggingMode, Profile, ScenarioConfig};

/// DevOps Simulator: ask "what happens if…" of a whole production stack and
/// get a reproducible answer in seconds.
#[derive(Parser)]
#[command(name = "devops-sim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in production scenario when no file is given).
    Run {
        /// A scenario file (.yaml, .json or .toml).
        file: Option<PathBuf>,
        /// Root seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Simulated time to run, e.g. `15m` or `24h` (default: the scenario's).
        #[arg(long)]
        duration: Option<SimDuration>,
        /// Write report.json, metrics.csv, metrics.om (OpenMetrics) and events.ndjson here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a scenario; with `--target production`, also list every setting
    /// that must not be promoted without hardening. Exits 1 on any problem.
    Validate {
        /// The scenario file.
        file: PathBuf,
        /// The environment it is meant for.
        #[arg(long, value_enum)]
        target: Option<Target>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Target {
    Production,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run {
            file,
            seed,
            duration,
            out,
        } => run(file.as_deref(), seed, duration, out.as_deref()),
        Command::Validate { file, target } => validate(&file, target),
    }
}

/// Writes to standard output; a closed pipe (`| head`) ends the output
/// quietly instead of panicking.
fn say(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn load(file: Option<&Path>) -> Result<ScenarioConfig, String> {
    match file {
        Some(path) => ScenarioConfig::from_path(path).map_err(|e| e.to_string()),
        None => Ok(ScenarioConfig::preset(Profile::Production)),
    }
}

fn run(
    file: Option<&Path>,
    seed: Option<u64>,
    duration: Option<SimDuration>,
    out: Option<&Path>,
) -> ExitCode {
    let mut scenario = match load(file) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(d) = duration {
        if d == SimDuration::ZERO {
            eprintln!("error: --duration: must be longer than 0s");
            return ExitCode::from(2);
        }
        scenario.duration = d;
    }
    let seed = seed.unwrap_or(scenario.seed);
    let bar = progress_bar();
    let hook_bar = bar.clone();
    let result = sim_models::run::run_scenario(&scenario, seed, move |fraction| {
        hook_bar.set_position((fraction * 1000.0) as u64);
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    let (report, world) = match result {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if scenario.monitoring.logging == LoggingMode::Console {
        print_log(world.event_log());
    }
    say(&report.to_table());
    if let Some(dir) = out {
        if let Err(e) = write_outputs(dir, &report, &world) {
            eprintln!("error: writing to {}: {e}", dir.display());
            return ExitCode::from(1);
        }
        say(&format!(
            "wrote report.json, metrics.csv, metrics.om and events.ndjson to {}\n",
            dir.display()
        ));
    }
    if report.conservation.holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The diagnostics a console-logging scenario (the development profile)
/// shows: every logged event as a line on standard error.
fn print_log(log: &sim_core::record::EventLog) {
    let mut err = std::io::stderr().lock();
    for record in log.records() {
        if writeln!(err, "{record}").is_err() {
            return;
        }
    }
    if log.dropped() > 0 {
        let _ = writeln!(err, "… {} more events not kept", log.dropped());
    }
}

/// A bar that appears only once a run has taken more than a second.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(1000);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} simulating [{bar:40}] {percent}% {elapsed} (eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    });
    bar
}

fn write_outputs(
    dir: &Path,
    report: &sim_models::report::RunReport,
    world: &sim_models::world::World,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.json"), report.to_json() + "\n").map_err(|e| e.to_string())?;
    let csv = std::fs::File::create(dir.join("metrics.csv")).map_err(|e| e.to_string())?;
    world
        .recorder()
        .write_csv(std::io::BufWriter::new(csv))
        .map_err(|e| e.to_string())?;
    // Simulated time zero is 2026-01-01T00:00:00Z in the OpenMetrics file.
    let om = std::fs::File::create(dir.join("metrics.om")).map_err(|e| e.to_string())?;
    world
        .recorder()
        .write_openmetrics(om, sim_core::record::OPENMETRICS_START_UNIX_S)
        .map_err(|e| e.to_string())?;
    let log = std::fs::File::create(dir.join("events.ndjson")).map_err(|e| e.to_string())?;
    world
        .event_log()
        .write_ndjson(std::io::BufWriter::new(log))
        .map_err(|e| e.to_string())
}

fn validate(file: &Path, target: Option<Target>) -> ExitCode {
    let scenario = match ScenarioConfig::from_path(file) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    if let Some(Target::Production) = target {
        let violations = scenario.hardening_violations();
        if !violations.is_empty() {
            say(&format!(
                "{}: {} setting(s) must not be promoted to production without hardening:\n",
                file.display(),
                violations.len()
            ));
            for v in &violations {
                say(&format!("  {v}\n"));
            }
            return ExitCode::from(1);
        }
    }
    say(&format!("{}: valid\n", file.display()));
    ExitCode::SUCCESS
}
