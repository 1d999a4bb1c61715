//! The hold model: a fixed population of pending events, each rescheduled
//! after an exponential delay as it fires. It stresses nothing but the
//! event queue, so it is the standard way to compare engines.

use crate::model::{Context, Model};
use crate::rng::SimRng;
use crate::time::SimDuration;

/// Keeps `pending` events in the queue forever: drive it with
/// [`Simulation::step`](crate::Simulation::step) or a time horizon, never `run()`.
#[derive(Debug, Clone)]
pub struct Hold {
    pending: u32,
    rng: SimRng,
}

impl Hold {
    /// The model with `pending` events in flight. Delays are Exp(mean 1 s),
    /// drawn from stream `"hold"` of `seed`: first one per event at start, in
    /// event order, then one per event fired.
    pub fn new(pending: u32, seed: u64) -> Self {
        Hold {
            pending,
            rng: SimRng::stream(seed, "hold"),
        }
    }

    /// A delay of Exp(mean 1 s).
    #[inline]
    fn delay(&mut self) -> SimDuration {
        SimDuration::from_secs_f64(self.rng.exp(1.0))
    }
}

impl Model for Hold {
    type Event = u32;

    fn init(&mut self, cx: &mut Context<'_, u32>) {
        for id in 0..self.pending {
            let d = self.delay();
            cx.schedule_in(d, id);
        }
    }

    #[inline]
    fn handle(&mut self, cx: &mut Context<'_, u32>, id: u32) {
        let d = self.delay();
        cx.schedule_in(d, id);
    }
}
