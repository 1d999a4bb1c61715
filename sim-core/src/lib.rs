//! # sim-core
//!
//! A deterministic, domain-free discrete-event simulation engine.
//!
//! A model is a value implementing [`Model`]: it owns its state and handles
//! its own typed events. Handlers act through a [`Context`] — read the clock,
//! schedule (getting an [`EventKey`]) or cancel events, draw from named random
//! streams, stop the run. A [`Simulation`] holds the model, the pending
//! events and the clock, and offers run control: [`step`](Simulation::step),
//! [`run_until`](Simulation::run_until), [`run_for`](Simulation::run_for),
//! [`run`](Simulation::run), [`peek`](Simulation::peek), plus a progress hook
//! for progress bars and Ctrl-C.
//!
//! The rules: time is integer nanoseconds ([`SimTime`], [`SimDuration`]);
//! events at the same instant run in the order they were scheduled;
//! scheduling in the past is an error; same model + seed ⇒ same run.
//!
//! ```
//! use sim_core::{Context, Dist, Model, SimDuration, SimRng, Simulation};
//!
//! /// Customers arrive at random; count them for an hour.
//! struct Shop { arrivals: u64, gap: Dist, rng: SimRng }
//!
//! impl Model for Shop {
//!     type Event = ();
//!     fn init(&mut self, cx: &mut Context<'_, ()>) {
//!         cx.schedule_in(self.gap.sample_duration(&mut self.rng), ());
//!     }
//!     fn handle(&mut self, cx: &mut Context<'_, ()>, _: ()) {
//!         self.arrivals += 1;
//!         cx.schedule_in(self.gap.sample_duration(&mut self.rng), ());
//!     }
//! }
//!
//! let seed = 7;
//! let shop = Shop {
//!     arrivals: 0,
//!     gap: Dist::exponential(2.0).unwrap(), // one customer every 2 s on average
//!     rng: SimRng::stream(seed, "arrivals"),
//! };
//! let mut sim = Simulation::new(shop, seed);
//! sim.run_for("1h".parse::<SimDuration>().unwrap());
//! let n = sim.model().arrivals as f64;
//! assert!((n - 1800.0).abs() < 4.0 * 1800f64.sqrt(), "{n} arrivals");
//! ```
//!
//! Around the engine: [`record`] (counters, gauges, time series, latency
//! histograms, event log, CSV/JSON), [`stats`] (confidence intervals and
//! queueing theory), [`replicate`] (parallel replications and sweeps whose
//! results do not depend on the thread count), [`dist`] (validated
//! distributions) and [`classic`] (the hold and G/G/c models the engine is
//! validated and benchmarked with).
#![warn(missing_docs)]

pub mod classic;
pub mod dist;
pub mod error;
pub mod model;
pub mod queue;
pub mod record;
pub mod replicate;
pub mod rng;
pub mod simulation;
pub mod stats;
pub mod time;

pub use dist::Dist;
pub use error::{Error, Result};
pub use model::{Context, Model, RngStreams};
pub use queue::{EventKey, EventQueue};
pub use rng::SimRng;
pub use simulation::{Progress, RunSummary, Simulation, StopReason};
pub use time::{SimDuration, SimTime};
