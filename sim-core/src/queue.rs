//! The pending-event set: a monotone radix heap of small `(time, slot)`
//! entries plus a slab that holds the events themselves.
//!
//! Why this shape (measured in `benches/engine.rs`, see the README):
//! - entries are 16 bytes whatever the event type, so large events are never
//!   moved while the heap reorganises; they stay put in their slab slot;
//! - cancelling is O(1): the slot's event is dropped and the stale entry is
//!   skipped when it comes up (lazy deletion). A slot is reused only after its
//!   entry has left the heap, and an [`EventKey`] carries the event's unique
//!   sequence number, so an old key can never cancel a newer event;
//! - a few entries are kept as a sorted run (`queue/sorted_entries.rs`), many
//!   in a radix heap (`queue/radix_heap.rs`), which beats a binary heap because
//!   simulated time never runs backwards.
//!
//! [`ReferenceQueue`] is the obvious binary-heap implementation of the same
//! contract, kept to check the fast one against in tests.

mod pending_entries;
mod radix_heap;
mod reference;
mod sorted_entries;

pub use reference::ReferenceQueue;

use pending_entries::PendingEntries;
use radix_heap::Entry;

use crate::time::SimTime;

/// Names a scheduled event so that it can be cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventKey {
    slot: u32,
    seq: u64,
}

impl EventKey {
    /// The event's sequence number: the order in which events were scheduled.
    pub fn seq(self) -> u64 {
        self.seq
    }
}

#[derive(Debug)]
struct Slot<E> {
    seq: u64,
    /// `None` once cancelled (or after it fired, until the slot is reused).
    event: Option<E>,
}

/// Pending events ordered by `(time, scheduling order)`.
///
/// Times pushed must not be earlier than the last time popped; the engine
/// guarantees it by refusing to schedule in the past.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: PendingEntries,
    /// The time of the last entry taken out; no entry is earlier.
    last_popped: u64,
    slots: Vec<Slot<E>>,
    free: Vec<u32>,
    next_seq: u64,
    live: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: PendingEntries::default(),
            last_popped: 0,
            slots: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            live: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Events scheduled and neither fired nor cancelled.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no live event is pending.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// How many events were ever scheduled.
    pub fn scheduled(&self) -> u64 {
        self.next_seq
    }

    /// Adds an event; events with equal times come out in the order they were pushed.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) -> EventKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Slot {
                    seq,
                    event: Some(event),
                };
                i
            }
            None => {
                let i =
                    u32::try_from(self.slots.len()).expect("more than 4 billion pending events");
                self.slots.push(Slot {
                    seq,
                    event: Some(event),
                });
                i
            }
        };
        self.heap.push(
            Entry {
                time: time.as_nanos(),
                slot,
            },
            self.last_popped,
        );
        self.live += 1;
        EventKey { slot, seq }
    }

    /// Cancels a pending event. Returns `false` if it already fired or was cancelled.
    #[inline]
    pub fn cancel(&mut self, key: EventKey) -> bool {
        match self.slots.get_mut(key.slot as usize) {
            Some(slot) if slot.seq == key.seq && slot.event.is_some() => {
                slot.event = None;
                self.live -= 1;
                true
            }
            _ => false,
        }
    }

    /// The time of the earliest live event.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let e = self.heap.peek()?;
            if self.slots[e.slot as usize].event.is_some() {
                return Some(SimTime::from_nanos(e.time));
            }
            self.discard_head();
        }
    }

    /// Removes and returns the earliest live event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes and returns the earliest live event if it is due at or before `limit`.
    #[inline]
    pub fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        // A cancelled entry past the limit stays: it is skipped when it comes up.
        while let Some(e) = self.heap.pop_until(limit.as_nanos()) {
            self.last_popped = e.time;
            let event = self.slots[e.slot as usize].event.take();
            self.free.push(e.slot);
            if let Some(event) = event {
                self.live -= 1;
                return Some((SimTime::from_nanos(e.time), event));
            }
        }
        None
    }

    fn discard_head(&mut self) {
        if let Some(e) = self.heap.pop_until(u64::MAX) {
            self.last_popped = e.time;
            self.free.push(e.slot);
        }
    }

    /// Bytes allocated for pending events (heap entries, slots, free list),
    /// excluding what the events themselves own on the heap.
    pub fn allocated_bytes(&self) -> usize {
        self.heap.allocated_bytes()
            + self.slots.capacity() * size_of::<Slot<E>>()
            + self.free.capacity() * size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ns: u64) -> SimTime {
        SimTime::from_nanos(ns)
    }

    #[test]
    fn pops_in_time_then_fifo_order() {
        let mut q = EventQueue::new();
        for (time, id) in [
            (5, 'a'),
            (1, 'b'),
            (5, 'c'),
            (1, 'd'),
            (0, 'e'),
            (1 << 40, 'f'),
        ] {
            q.push(t(time), id);
        }
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ['e', 'b', 'd', 'a', 'c', 'f']);
        assert!(q.is_empty());
    }

    #[test]
    fn cancelled_events_never_come_out_and_old_keys_do_not_cancel_new_events() {
        let mut q = EventQueue::new();
        let a = q.push(t(10), "a");
        let b = q.push(t(20), "b");
        assert!(q.cancel(a));
        assert!(!q.cancel(a), "second cancel is a no-op");
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop(), Some((t(20), "b")));
        // Slots are reused now; the old keys must not touch the new events.
        let c = q.push(t(30), "c");
        assert!(!q.cancel(a) && !q.cancel(b));
        assert_eq!(q.peek_time(), Some(t(30)));
        assert!(q.cancel(c));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn pop_until_respects_the_limit_and_later_pushes_before_it_still_work() {
        let mut q = EventQueue::new();
        q.push(t(100), 1);
        q.push(t(200), 2);
        assert_eq!(q.pop_until(t(150)), Some((t(100), 1)));
        assert_eq!(q.pop_until(t(150)), None);
        // Scheduling between the horizon and the next event keeps order.
        q.push(t(150), 3);
        assert_eq!(q.pop(), Some((t(150), 3)));
        assert_eq!(q.pop(), Some((t(200), 2)));
    }

    #[test]
    fn peek_past_cancelled_head_then_schedule_earlier() {
        let mut q = EventQueue::new();
        let k = q.push(t(50), 'x');
        q.push(t(60), 'y');
        q.cancel(k);
        assert_eq!(q.peek_time(), Some(t(60)));
        // peek dropped the cancelled entry at 50; an event at 40 must still come first.
        q.push(t(40), 'z');
        assert_eq!(q.pop(), Some((t(40), 'z')));
        assert_eq!(q.pop(), Some((t(60), 'y')));
    }
}

#[cfg(test)]
mod switching_tests {
    use super::*;
    use crate::rng::SimRng;
    use crate::time::SimDuration;

    /// Grows the queue far past the sorted-run limit and drains it again,
    /// several times, checking every pop (time and FIFO order among ties)
    /// against the binary-heap reference.
    #[test]
    fn matches_the_reference_across_representation_switches() {
        let mut rng = SimRng::stream(9, "switch");
        let mut fast = EventQueue::new();
        let mut slow = ReferenceQueue::default();
        let mut now = SimTime::ZERO;
        let mut id = 0u32;
        for target in [5, 300, 20, 1000, 0, 60] {
            while fast.len() < target {
                // Delays under 1 µs in 100 ns steps: many equal times.
                let at = now + SimDuration::from_nanos(100 * (rng.uniform() * 10.0) as u64);
                fast.push(at, id);
                slow.push(at, id);
                id += 1;
            }
            while fast.len() > target / 3 {
                let popped = fast.pop();
                assert_eq!(popped, slow.pop_until(SimTime::MAX), "target {target}");
                now = popped.map_or(now, |(t, _)| t);
            }
        }
    }
}
