//! Requests in flight. A request's life is a short state machine over hops;
//! this first slice has one hop, the app instance:
//! arrival → balancer → instance queue → slot → response, with a timeout
//! racing it. Requests live in a slab so the hot path never allocates.

use sim_core::{EventKey, SimTime};

/// Index of a request in the slab.
pub type RequestId = u32;

/// Where a request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a slot on its instance.
    Queued,
    /// Being served.
    InService,
    /// The client gave up; the instance may still be working on it.
    Abandoned,
}

/// One request in flight.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// When it arrived.
    pub arrived: SimTime,
    /// Index of the user region it came from.
    pub user_region: u16,
    /// Index of the fleet region serving it.
    pub region: u16,
    /// Index into the workload's classes.
    pub class: u16,
    /// The instance holding it; `None` while it waits at the balancer.
    pub instance: Option<u32>,
    /// Where it is.
    pub stage: Stage,
    /// The pending timeout, cancelled when the response comes first.
    pub timeout: Option<EventKey>,
}

/// Requests in flight, reusing freed slots.
#[derive(Debug, Default)]
pub struct Requests {
    slots: Vec<Request>,
    free: Vec<RequestId>,
    in_flight: u64,
}

impl Requests {
    /// Stores a request and returns its id.
    pub fn insert(&mut self, r: Request) -> RequestId {
        self.in_flight += 1;
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = r;
                id
            }
            None => {
                self.slots.push(r);
                RequestId::try_from(self.slots.len() - 1)
                    .expect("over 4 billion requests in flight")
            }
        }
    }

    /// The request with this id.
    pub fn get(&self, id: RequestId) -> &Request {
        &self.slots[id as usize]
    }

    /// The request with this id, mutably.
    pub fn get_mut(&mut self, id: RequestId) -> &mut Request {
        &mut self.slots[id as usize]
    }

    /// Forgets a finished request.
    pub fn remove(&mut self, id: RequestId) {
        self.in_flight -= 1;
        self.free.push(id);
    }

    /// Requests not yet finished (including abandoned ones still being served).
    pub fn in_flight(&self) -> u64 {
        self.in_flight
    }
}
