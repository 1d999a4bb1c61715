//! The slow, obviously-correct twin of [`EventQueue`](super::EventQueue): a
//! binary heap keyed by `(time, seq)` with a cancelled set. Tests feed both the
//! same operations and require the same output.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use crate::time::SimTime;

/// A binary-heap event queue with the same contract as [`super::EventQueue`].
#[derive(Debug)]
pub struct ReferenceQueue<E> {
    heap: BinaryHeap<Reverse<(SimTime, u64)>>,
    events: std::collections::BTreeMap<u64, E>,
    cancelled: BTreeSet<u64>,
    next_seq: u64,
}

impl<E> Default for ReferenceQueue<E> {
    fn default() -> Self {
        ReferenceQueue {
            heap: BinaryHeap::new(),
            events: Default::default(),
            cancelled: BTreeSet::new(),
            next_seq: 0,
        }
    }
}

impl<E> ReferenceQueue<E> {
    /// Adds an event and returns its sequence number.
    pub fn push(&mut self, time: SimTime, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse((time, seq)));
        self.events.insert(seq, event);
        seq
    }

    /// Cancels the event with this sequence number if still pending.
    pub fn cancel(&mut self, seq: u64) -> bool {
        self.events.contains_key(&seq) && self.cancelled.insert(seq)
    }

    /// Pops the earliest live event due at or before `limit`.
    pub fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        while let Some(&Reverse((time, seq))) = self.heap.peek() {
            if time > limit {
                return None;
            }
            self.heap.pop();
            let event = self.events.remove(&seq);
            if !self.cancelled.remove(&seq) {
                return event.map(|e| (time, e));
            }
        }
        None
    }

    /// The time of the earliest live event.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        while let Some(&Reverse((time, seq))) = self.heap.peek() {
            if !self.cancelled.contains(&seq) {
                return Some(time);
            }
            self.heap.pop();
            self.cancelled.remove(&seq);
            self.events.remove(&seq);
        }
        None
    }

    /// Live events pending.
    pub fn len(&self) -> usize {
        self.events.len() - self.cancelled.len()
    }

    /// Whether nothing live is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
