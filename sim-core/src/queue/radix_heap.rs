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

/// One pending entry: when, and which slot holds the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub time: u64,
    pub slot: u32,
}

const BUCKETS: usize = 65;

#[derive(Debug)]
pub(crate) struct RadixHeap {
    /// The last key taken out; every entry is ≥ it.
    last: u64,
    /// Bucket 0 is read from `head` so that it drains in FIFO order.
    head: usize,
    buckets: [Vec<Entry>; BUCKETS],
    /// Bit `i` set ⇔ `buckets[i]` is non-empty (bucket 0 ignored: see `head`).
    occupied: u64,
    /// The smallest time in the heap when bucket 0 is empty, if known; saves a
    /// second scan when a horizon check (`peek`) is followed by a pop.
    cached_min: Option<Entry>,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            head: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
            occupied: 0,
            cached_min: None,
        }
    }
}

#[inline]
fn bucket_of(time: u64, last: u64) -> usize {
    (64 - (time ^ last).leading_zeros()) as usize
}

impl RadixHeap {
    /// Adds an entry. A time below the last one taken out is still accepted
    /// (after a `peek` past a horizon), at the price of rebuilding the heap.
    #[inline]
    pub fn push(&mut self, e: Entry) {
        if e.time < self.last {
            self.rebase(e.time);
        }
        let b = bucket_of(e.time, self.last);
        if b == 0 {
            self.buckets[0].push(e);
        } else {
            self.buckets[b].push(e);
            self.occupied |= 1 << (b - 1);
            if let Some(m) = self.cached_min
                && e.time < m.time
            {
                self.cached_min = Some(e);
            }
        }
    }

    /// The entry that `pop` would return, without taking it out.
    #[inline]
    pub fn peek(&mut self) -> Option<Entry> {
        if self.head < self.buckets[0].len() {
            return Some(self.buckets[0][self.head]);
        }
        if self.occupied == 0 {
            return None;
        }
        if self.cached_min.is_none() {
            let b = self.occupied.trailing_zeros() as usize + 1;
            self.cached_min = Some(self.bucket_min(b));
        }
        self.cached_min
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
            if self.occupied == 0 {
                return None;
            }
            let b = self.occupied.trailing_zeros() as usize + 1;
            let min = match self.cached_min {
                Some(m) => m,
                None => self.bucket_min(b),
            };
            if min.time > limit {
                self.cached_min = Some(min);
                return None;
            }
            self.cached_min = None;
            self.redistribute(b, min.time);
        } else if self.last > limit {
            return None;
        }
        let e = self.buckets[0][self.head];
        self.head += 1;
        Some(e)
    }

    /// The first entry with the smallest time in bucket `b` (non-empty).
    #[inline]
    fn bucket_min(&self, b: usize) -> Entry {
        let bucket = &self.buckets[b];
        let mut m = bucket[0];
        for &e in &bucket[1..] {
            if e.time < m.time {
                m = e;
            }
        }
        m
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
        let mut moving = std::mem::take(&mut self.buckets[b]);
        for &e in &moving {
            let nb = bucket_of(e.time, min);
            debug_assert!(nb < b);
            self.buckets[nb].push(e);
            if nb > 0 {
                self.occupied |= 1 << (nb - 1);
            }
        }
        moving.clear();
        self.buckets[b] = moving;
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
        self.cached_min = None;
        self.last = new_last;
        for e in all {
            self.push(e);
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
