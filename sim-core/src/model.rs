//! The [`Model`] trait a simulation is made of, and the [`Context`] its handlers act through.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::queue::{EventKey, EventQueue};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// A simulation model: state plus a handler for its own typed events.
///
/// Events are a plain type (usually an enum with one variant per component
/// family), not boxed trait objects, so dispatch is a `match` and the engine
/// allocates nothing per event.
pub trait Model {
    /// The events this model schedules and handles.
    type Event;

    /// Called once, at time zero, before the first event: schedule the first events here.
    fn init(&mut self, cx: &mut Context<'_, Self::Event>) {
        let _ = cx;
    }

    /// Reacts to one event at `cx.now()`.
    fn handle(&mut self, cx: &mut Context<'_, Self::Event>, event: Self::Event);
}

/// Named random streams of one run, created on first use.
#[derive(Debug, Clone)]
pub struct RngStreams {
    seed: u64,
    streams: BTreeMap<String, SimRng>,
}

impl RngStreams {
    /// The streams of a run with this root seed.
    pub fn new(seed: u64) -> Self {
        RngStreams {
            seed,
            streams: BTreeMap::new(),
        }
    }

    /// The run's root seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The generator of stream `name`; the same name always continues the same stream.
    pub fn get(&mut self, name: &str) -> &mut SimRng {
        if !self.streams.contains_key(name) {
            self.streams
                .insert(name.to_owned(), SimRng::stream(self.seed, name));
        }
        self.streams.get_mut(name).expect("inserted above")
    }
}

/// What a handler may do: read the clock, schedule and cancel events, draw
/// random numbers and stop the run.
pub struct Context<'a, E> {
    pub(crate) now: SimTime,
    pub(crate) queue: &'a mut EventQueue<E>,
    pub(crate) streams: &'a mut RngStreams,
    pub(crate) stop: &'a mut bool,
}

impl<E> Context<'_, E> {
    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `at`. Scheduling before [`now`](Self::now) is an
    /// error: the past is never silently reordered.
    #[inline]
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> Result<EventKey> {
        if at < self.now {
            return Err(Error::ScheduleInPast { at, now: self.now });
        }
        Ok(self.queue.push(at, event))
    }

    /// Schedules `event` after `delay` (zero: after the events already due now).
    /// Saturates at [`SimTime::MAX`], so it cannot fail.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> EventKey {
        self.queue.push(self.now + delay, event)
    }

    /// Cancels a pending event; `false` if it already fired or was cancelled.
    #[inline]
    pub fn cancel(&mut self, key: EventKey) -> bool {
        self.queue.cancel(key)
    }

    /// The generator of the named stream (`"traffic/us-east-1"`).
    ///
    /// This looks the name up each call; a model on a hot path can instead
    /// keep its own `SimRng::stream(cx.seed(), name)` — under a name no one else uses.
    pub fn rng(&mut self, stream: &str) -> &mut SimRng {
        self.streams.get(stream)
    }

    /// The run's root seed.
    pub fn seed(&self) -> u64 {
        self.streams.seed()
    }

    /// Ends the run after this event; later run calls return at once.
    pub fn stop(&mut self) {
        *self.stop = true;
    }

    /// Live events pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}
