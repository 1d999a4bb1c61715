//! A G/G/c queue: `c` identical servers, one FIFO line, arbitrary
//! inter-arrival and service distributions. With exponential ones it is
//! M/M/c (Erlang C); with constant service and one server, M/D/1.

use std::collections::VecDeque;

use crate::dist::Dist;
use crate::model::{Context, Model};
use crate::rng::SimRng;
use crate::time::SimTime;

/// The queue's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueEvent {
    /// A customer arrives.
    Arrival,
    /// A server finishes its customer.
    Departure,
}

/// What the queue measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct QueueStats {
    /// Customers that arrived.
    pub arrived: u64,
    /// Customers whose service started after the warm-up.
    pub measured: u64,
    /// Sum of their waiting times in queue, in seconds.
    pub total_wait_s: f64,
}

impl QueueStats {
    /// Mean waiting time in queue (Wq), in seconds; zero before any measurement.
    pub fn mean_wait_s(&self) -> f64 {
        if self.measured == 0 {
            0.0
        } else {
            self.total_wait_s / self.measured as f64
        }
    }
}

/// `servers` servers fed by `customers` arrivals; the first `warmup`
/// customers are served but not measured, so the start-up transient of an
/// empty system does not bias the mean.
#[derive(Debug, Clone)]
pub struct MultiServerQueue {
    interarrival: Dist,
    service: Dist,
    idle_servers: u32,
    customers: u64,
    warmup: u64,
    /// Arrival time and index of each waiting customer.
    line: VecDeque<(SimTime, u64)>,
    arrivals_rng: SimRng,
    service_rng: SimRng,
    stats: QueueStats,
}

impl MultiServerQueue {
    /// A queue drawing from streams `"arrivals"` and `"service"` of `seed`.
    pub fn new(
        servers: u32,
        interarrival: Dist,
        service: Dist,
        customers: u64,
        warmup: u64,
        seed: u64,
    ) -> Self {
        MultiServerQueue {
            interarrival,
            service,
            idle_servers: servers,
            customers,
            warmup,
            line: VecDeque::new(),
            arrivals_rng: SimRng::stream(seed, "arrivals"),
            service_rng: SimRng::stream(seed, "service"),
            stats: QueueStats::default(),
        }
    }

    /// What has been measured so far.
    pub fn stats(&self) -> QueueStats {
        self.stats
    }

    fn start_service(&mut self, cx: &mut Context<'_, QueueEvent>, arrived: SimTime, index: u64) {
        if index >= self.warmup {
            self.stats.measured += 1;
            self.stats.total_wait_s += (cx.now() - arrived).as_secs_f64();
        }
        let d = self.service.sample_duration(&mut self.service_rng);
        cx.schedule_in(d, QueueEvent::Departure);
    }
}

impl Model for MultiServerQueue {
    type Event = QueueEvent;

    fn init(&mut self, cx: &mut Context<'_, QueueEvent>) {
        if self.customers > 0 {
            let d = self.interarrival.sample_duration(&mut self.arrivals_rng);
            cx.schedule_in(d, QueueEvent::Arrival);
        }
    }

    #[inline]
    fn handle(&mut self, cx: &mut Context<'_, QueueEvent>, event: QueueEvent) {
        match event {
            QueueEvent::Arrival => {
                let index = self.stats.arrived;
                self.stats.arrived += 1;
                if self.stats.arrived < self.customers {
                    let d = self.interarrival.sample_duration(&mut self.arrivals_rng);
                    cx.schedule_in(d, QueueEvent::Arrival);
                }
                if self.idle_servers > 0 {
                    self.idle_servers -= 1;
                    self.start_service(cx, cx.now(), index);
                } else {
                    self.line.push_back((cx.now(), index));
                }
            }
            QueueEvent::Departure => match self.line.pop_front() {
                Some((arrived, index)) => self.start_service(cx, arrived, index),
                None => self.idle_servers += 1,
            },
        }
    }
}
