//! A monotone radix heap of `(time, slot)` entries.
//!
//! Simulated time never goes backwards, so the queue never has to hold a key
//! smaller than the last one it gave out. A radix heap exploits that: bucket
//! `i` holds the entries whose time first differs from `last` at bit `i − 1`
//! (bucket 0: equal to `last`). Pushing is an append; popping empties the
//! lowest non-empty bucket into lower ones, and each entry moves down at most
//! 64 times in its life, sequentially through memory — cheaper than the
//! cache-missing sift of a binary heap once the queue outgrows the caches.
//!
//! Same-time order comes for free: entries with equal times always sit in the
//! same bucket, appends keep their order, and a redistribution moves them in
//! order, so equal times leave in the order they came in (FIFO).

/// One pending entry: when, and which slot holds the event. Packed to 12
/// bytes: entries are most of the queue's memory and are only ever copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(4))]
pub(crate) struct Entry {
    pub time: u64,
    pub slot: u32,
}

const BUCKETS: usize = 65;
/// Emptied buckets up to this capacity keep their buffer.
const KEEP_CAPACITY: usize = 256;

#[derive(Debug)]
pub(crate) struct RadixHeap {
    /// The last key taken out; every entry is ≥ it.
    last: u64,
    /// Bucket 0 is read from `head` so that it drains in FIFO order.
    head: usize,
    buckets: [Vec<Entry>; BUCKETS],
    /// Bit `b − 1` set ⇔ bucket `b ≥ 1` is non-empty (bucket 0 is tracked by `head`).
    occupied: u64,
    len: usize,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            head: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
            occupied: 0,
            len: 0,
        }
    }
}

#[inline]
fn bucket_of(time: u64, last: u64) -> usize {
    (64 - (time ^ last).leading_zeros()) as usize
}

impl RadixHeap {
    /// An empty heap that accepts times from `last` on without rebuilding.
    pub fn starting_at(last: u64) -> Self {
        RadixHeap {
            last,
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds an entry. A time below the last one taken out is still accepted
    /// (after a `peek` past a horizon), at the price of rebuilding the heap.
    #[inline]
    pub fn push(&mut self, e: Entry) {
        if e.time < self.last {
            self.rebase(e.time);
        }
        self.file(e);
        self.len += 1;
    }

    /// Puts an entry in its bucket relative to `last`.
    #[inline]
    fn file(&mut self, e: Entry) {
        let b = bucket_of(e.time, self.last);
        self.buckets[b].push(e);
        if b > 0 {
            self.occupied |= 1 << (b - 1);
        }
    }

    /// The lowest non-empty bucket above bucket 0.
    #[inline]
    fn first_bucket(&self) -> Option<usize> {
        (self.occupied != 0).then(|| self.occupied.trailing_zeros() as usize + 1)
    }

    /// The smallest time in bucket `b` (non-empty).
    #[inline]
    fn bucket_min(&self, b: usize) -> u64 {
        self.buckets[b].iter().fold(u64::MAX, |m, e| m.min(e.time))
    }

    /// The entry that `pop` would return, without taking it out.
    pub fn peek(&self) -> Option<Entry> {
        if self.head < self.buckets[0].len() {
            return Some(self.buckets[0][self.head]);
        }
        let b = self.first_bucket()?;
        let min = self.bucket_min(b);
        self.buckets[b].iter().copied().find(|e| e.time == min)
    }

    /// Takes out the earliest entry (FIFO among equal times).
    #[inline]
    pub fn pop(&mut self) -> Option<Entry> {
        self.pop_until(u64::MAX)
    }

    /// Takes out the earliest entry if its time is at most `limit`.
    #[inline]
    pub fn pop_until(&mut self, limit: u64) -> Option<Entry> {
        if self.head == self.buckets[0].len() {
            self.buckets[0].clear();
            self.head = 0;
            let b = self.first_bucket()?;
            let min = self.bucket_min(b);
            if min > limit {
                return None;
            }
            self.redistribute(b, min);
        } else if self.last > limit {
            return None;
        }
        let e = self.buckets[0][self.head];
        self.head += 1;
        self.len -= 1;
        Some(e)
    }

    /// Empties bucket `b` into lower buckets relative to `min`, its minimum.
    #[inline]
    fn redistribute(&mut self, b: usize, min: u64) {
        self.last = min;
        self.occupied &= !(1 << (b - 1));
        if self.buckets[b].len() == 1 {
            let e = self.buckets[b][0];
            self.buckets[b].clear();
            self.buckets[0].push(e);
            return;
        }
        let moving = std::mem::take(&mut self.buckets[b]);
        for &e in &moving {
            debug_assert!(bucket_of(e.time, min) < b);
            self.file(e);
        }
        // Keep a small buffer for reuse, but hand back a large one: every bucket
        // keeping its peak size would cost several entries per pending event.
        if moving.capacity() <= KEEP_CAPACITY {
            let mut moving = moving;
            moving.clear();
            self.buckets[b] = moving;
        }
    }

    /// Re-files every entry relative to a new, smaller `last`. Equal times stay
    /// in order because they always share a bucket.
    #[cold]
    fn rebase(&mut self, new_last: u64) {
        let mut all: Vec<Entry> = self.buckets[0].drain(self.head..).collect();
        for b in 1..BUCKETS {
            all.append(&mut self.buckets[b]);
        }
        self.buckets[0].clear();
        self.head = 0;
        self.occupied = 0;
        self.last = new_last;
        for e in all {
            self.file(e);
        }
    }

    /// Bytes held by the buckets, for the memory-per-event measurement.
    pub fn heap_bytes(&self) -> usize {
        self.buckets
            .iter()
            .map(|b| b.capacity() * size_of::<Entry>())
            .sum()
    }
}
