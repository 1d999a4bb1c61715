//! [`Simulation`]: a model, its pending events and its clock, with run control.

use std::ops::ControlFlow;

use crate::error::{Error, Result};
use crate::model::{Context, Model, RngStreams};
use crate::queue::{EventKey, EventQueue};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// Why a run call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// No event is pending.
    Exhausted,
    /// The requested time was reached.
    Horizon,
    /// The model called [`Context::stop`].
    Stopped,
    /// The progress hook asked to break (e.g. Ctrl-C); the run can be resumed.
    Interrupted,
}

/// What a run call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RunSummary {
    /// Why it returned.
    pub reason: StopReason,
    /// The clock when it returned.
    pub now: SimTime,
    /// Events handled during this call.
    pub events: u64,
}

/// Passed to the progress hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The simulated clock.
    pub now: SimTime,
    /// Events handled since the simulation began.
    pub events: u64,
    /// Live events pending.
    pub pending: usize,
}

type HookFn = Box<dyn FnMut(&Progress) -> ControlFlow<()> + Send>;

struct Hook {
    every: u64,
    countdown: u64,
    f: HookFn,
}

/// A model, its pending events and its clock.
///
/// ```
/// use sim_core::{Context, Model, SimDuration, Simulation};
///
/// /// Ticks every second and counts.
/// struct Clock { ticks: u32 }
/// impl Model for Clock {
///     type Event = ();
///     fn init(&mut self, cx: &mut Context<'_, ()>) {
///         cx.schedule_in(SimDuration::from_secs(1), ());
///     }
///     fn handle(&mut self, cx: &mut Context<'_, ()>, _: ()) {
///         self.ticks += 1;
///         cx.schedule_in(SimDuration::from_secs(1), ());
///     }
/// }
///
/// let mut sim = Simulation::new(Clock { ticks: 0 }, 7);
/// sim.run_for("1m".parse().unwrap());
/// assert_eq!(sim.model().ticks, 60);
/// assert_eq!(sim.now().as_secs_f64(), 60.0);
/// ```
pub struct Simulation<M: Model> {
    model: M,
    queue: EventQueue<M::Event>,
    now: SimTime,
    streams: RngStreams,
    stopped: bool,
    events: u64,
    hook: Option<Hook>,
}

impl<M: Model> Simulation<M> {
    /// Builds the simulation and calls [`Model::init`] at time zero.
    pub fn new(model: M, seed: u64) -> Self {
        let mut sim = Simulation {
            model,
            queue: EventQueue::new(),
            now: SimTime::ZERO,
            streams: RngStreams::new(seed),
            stopped: false,
            events: 0,
            hook: None,
        };
        let mut cx = Context {
            now: sim.now,
            queue: &mut sim.queue,
            streams: &mut sim.streams,
            stop: &mut sim.stopped,
        };
        sim.model.init(&mut cx);
        sim
    }

    /// Calls `hook` every `every` events (at least 1); returning
    /// `ControlFlow::Break(())` interrupts the current run call. Progress bars
    /// and Ctrl-C handling hang here; it costs nothing on other events.
    pub fn set_progress_hook(
        &mut self,
        every: u64,
        hook: impl FnMut(&Progress) -> ControlFlow<()> + Send + 'static,
    ) {
        let every = every.max(1);
        self.hook = Some(Hook {
            every,
            countdown: every,
            f: Box::new(hook),
        });
    }

    /// Removes the progress hook.
    pub fn clear_progress_hook(&mut self) {
        self.hook = None;
    }

    /// The simulated clock.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The time of the next pending event.
    pub fn peek(&mut self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Live events pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Bytes the queue has allocated for pending events (entries and slots,
    /// not what events own on the heap), for memory measurements.
    pub fn queue_allocated_bytes(&self) -> usize {
        self.queue.allocated_bytes()
    }

    /// Events handled so far.
    pub fn events_handled(&self) -> u64 {
        self.events
    }

    /// Whether the model has called [`Context::stop`].
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// The model.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The model, mutably (e.g. to change a parameter between run calls).
    pub fn model_mut(&mut self) -> &mut M {
        &mut self.model
    }

    /// Ends the simulation, returning the model.
    pub fn into_model(self) -> M {
        self.model
    }

    /// The run's root seed.
    pub fn seed(&self) -> u64 {
        self.streams.seed()
    }

    /// The generator of a named stream, shared with [`Context::rng`].
    pub fn rng(&mut self, stream: &str) -> &mut SimRng {
        self.streams.get(stream)
    }

    /// Schedules an event from outside the model (an injected fault, an operator action).
    pub fn schedule_at(&mut self, at: SimTime, event: M::Event) -> Result<EventKey> {
        if at < self.now {
            return Err(Error::ScheduleInPast { at, now: self.now });
        }
        Ok(self.queue.push(at, event))
    }

    /// Schedules an event `delay` after now.
    pub fn schedule_in(&mut self, delay: SimDuration, event: M::Event) -> EventKey {
        self.queue.push(self.now + delay, event)
    }

    /// Cancels a pending event; `false` if it already fired or was cancelled.
    pub fn cancel(&mut self, key: EventKey) -> bool {
        self.queue.cancel(key)
    }

    /// Handles the next event. Returns its time, or `None` if nothing is
    /// pending or the model has stopped.
    pub fn step(&mut self) -> Option<SimTime> {
        if self.stopped {
            return None;
        }
        let (time, event) = self.queue.pop()?;
        self.dispatch(time, event);
        Some(time)
    }

    /// Handles every event due at or before `until`, then sets the clock to
    /// `until` (unless the run stopped or was interrupted first). `until`
    /// before now handles nothing.
    pub fn run_until(&mut self, until: SimTime) -> RunSummary {
        let start_events = self.events;
        let reason = loop {
            if self.stopped {
                break StopReason::Stopped;
            }
            let Some((time, event)) = self.queue.pop_until(until) else {
                break if self.queue.is_empty() && until == SimTime::MAX {
                    StopReason::Exhausted
                } else {
                    self.now = self.now.max(until);
                    StopReason::Horizon
                };
            };
            self.dispatch(time, event);
            if let Some(hook) = &mut self.hook {
                hook.countdown -= 1;
                if hook.countdown == 0 {
                    hook.countdown = hook.every;
                    let progress = Progress {
                        now: self.now,
                        events: self.events,
                        pending: self.queue.len(),
                    };
                    if (hook.f)(&progress).is_break() {
                        break StopReason::Interrupted;
                    }
                }
            }
        };
        RunSummary {
            reason,
            now: self.now,
            events: self.events - start_events,
        }
    }

    /// Runs for `duration` of simulated time from now.
    pub fn run_for(&mut self, duration: SimDuration) -> RunSummary {
        self.run_until(self.now + duration)
    }

    /// Runs until no event is pending or the model stops.
    pub fn run(&mut self) -> RunSummary {
        self.run_until(SimTime::MAX)
    }

    #[inline]
    fn dispatch(&mut self, time: SimTime, event: M::Event) {
        debug_assert!(
            time >= self.now,
            "the queue returned an event from the past"
        );
        self.now = time;
        self.events += 1;
        let mut cx = Context {
            now: time,
            queue: &mut self.queue,
            streams: &mut self.streams,
            stop: &mut self.stopped,
        };
        self.model.handle(&mut cx, event);
    }
}

impl<M: Model + std::fmt::Debug> std::fmt::Debug for Simulation<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("now", &self.now)
            .field("pending", &self.queue.len())
            .field("events", &self.events)
            .field("stopped", &self.stopped)
            .field("model", &self.model)
            .finish()
    }
}
