//! The `baseline/binaryheap/...` twins: the same models as plain loops over a
//! `std::collections::BinaryHeap` keyed by `(time, seq)`, drawing the same
//! random numbers in the same order — what someone would write by hand
//! without an engine. Each twin reproduces the engine's trajectory exactly,
//! which the benches check before timing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::VecDeque;

use sim_core::classic::QueueStats;
use sim_core::{Dist, SimDuration, SimRng};

/// Exp(mean 1 s) in nanoseconds, as `classic::Hold` draws it.
fn hold_delay(rng: &mut SimRng) -> u64 {
    SimDuration::from_secs_f64(rng.exp(1.0)).as_nanos()
}

/// The hold model by hand.
pub struct HoldHeap {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
    seq: u64,
    /// The time of the last event, in nanoseconds.
    pub now: u64,
    rng: SimRng,
}

impl HoldHeap {
    /// `pending` events drawn as `classic::Hold` draws them.
    pub fn new(pending: u32, seed: u64) -> Self {
        let mut rng = SimRng::stream(seed, "hold");
        let heap = (0..pending)
            .map(|id| Reverse((hold_delay(&mut rng), u64::from(id), id)))
            .collect();
        HoldHeap {
            heap,
            seq: u64::from(pending),
            now: 0,
            rng,
        }
    }

    /// Fires `events` events, rescheduling each.
    pub fn run(&mut self, events: u64) {
        for _ in 0..events {
            let Reverse((t, _, id)) = self.heap.pop().expect("hold never empties");
            self.now = t;
            let next = t + hold_delay(&mut self.rng);
            self.heap.push(Reverse((next, self.seq, id)));
            self.seq += 1;
        }
    }
}

/// A G/G/c FIFO queue by hand, as `classic::MultiServerQueue` runs it.
pub fn multi_server_queue(
    servers: u32,
    interarrival: &Dist,
    service: &Dist,
    customers: u64,
    warmup: u64,
    seed: u64,
) -> QueueStats {
    const ARRIVAL: bool = true;
    const DEPARTURE: bool = false;
    let mut arrivals_rng = SimRng::stream(seed, "arrivals");
    let mut service_rng = SimRng::stream(seed, "service");
    let mut heap: BinaryHeap<Reverse<(u64, u64, bool)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut stats = QueueStats::default();
    let mut idle = servers;
    let mut line: VecDeque<(u64, u64)> = VecDeque::new();
    if customers > 0 {
        heap.push(Reverse((
            interarrival.sample_duration(&mut arrivals_rng).as_nanos(),
            seq,
            ARRIVAL,
        )));
        seq += 1;
    }
    while let Some(Reverse((now, _, kind))) = heap.pop() {
        let started = if kind == ARRIVAL {
            let index = stats.arrived;
            stats.arrived += 1;
            if stats.arrived < customers {
                let t = now + interarrival.sample_duration(&mut arrivals_rng).as_nanos();
                heap.push(Reverse((t, seq, ARRIVAL)));
                seq += 1;
            }
            if idle > 0 {
                idle -= 1;
                Some((now, index))
            } else {
                line.push_back((now, index));
                None
            }
        } else {
            let next = line.pop_front();
            if next.is_none() {
                idle += 1;
            }
            next
        };
        if let Some((arrived, index)) = started {
            if index >= warmup {
                stats.measured += 1;
                stats.total_wait_s += SimDuration::from_nanos(now - arrived).as_secs_f64();
            }
            let t = now + service.sample_duration(&mut service_rng).as_nanos();
            heap.push(Reverse((t, seq, DEPARTURE)));
            seq += 1;
        }
    }
    stats
}
