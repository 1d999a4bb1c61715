//! The pending entries, held by whichever structure suits their number: a
//! sorted run while there are few, the radix heap once there are many. The
//! thresholds leave a wide gap so a queue hovering near one never flips back
//! and forth (each switch costs a pass over the entries).

use super::radix_heap::{Entry, RadixHeap};
use super::sorted_entries::SortedEntries;

/// Above this many entries the sorted run becomes a radix heap…
const GROW_AT: usize = 48;
/// …and below this many the radix heap becomes a sorted run again.
const SHRINK_AT: usize = 12;

// One per simulation, so the size gap costs nothing, while boxing the heap
// would add an indirection to every operation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum PendingEntries {
    Few(SortedEntries),
    Many(RadixHeap),
}

impl Default for PendingEntries {
    fn default() -> Self {
        PendingEntries::Few(SortedEntries::default())
    }
}

impl PendingEntries {
    #[inline]
    pub fn push(&mut self, e: Entry, last_popped: u64) {
        match self {
            PendingEntries::Few(few) => {
                few.push(e);
                if few.len() > GROW_AT {
                    let mut heap = RadixHeap::starting_at(last_popped);
                    for e in few.take_all() {
                        heap.push(e);
                    }
                    *self = PendingEntries::Many(heap);
                }
            }
            PendingEntries::Many(heap) => heap.push(e),
        }
    }

    #[inline]
    pub fn peek(&self) -> Option<Entry> {
        match self {
            PendingEntries::Few(few) => few.peek(),
            PendingEntries::Many(heap) => heap.peek(),
        }
    }

    #[inline]
    pub fn pop_until(&mut self, limit: u64) -> Option<Entry> {
        match self {
            PendingEntries::Few(few) => few.pop_until(limit),
            PendingEntries::Many(heap) => {
                let e = heap.pop_until(limit)?;
                if heap.len() < SHRINK_AT {
                    let mut few = SortedEntries::default();
                    while let Some(rest) = heap.pop() {
                        few.push(rest);
                    }
                    *self = PendingEntries::Few(few);
                }
                Some(e)
            }
        }
    }

    pub fn allocated_bytes(&self) -> usize {
        match self {
            PendingEntries::Few(few) => few.allocated_bytes(),
            PendingEntries::Many(heap) => heap.heap_bytes(),
        }
    }
}
