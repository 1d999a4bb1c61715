//! A short sorted run of entries, for the common case of a handful of
//! pending events (one per busy server and one per arrival stream): a binary
//! search and a short move beat any heap there, and the radix heap's bucket
//! shuffling costs more than it saves.

use super::radix_heap::Entry;

/// Entries in `(time, arrival)` order; `entries[head..]` are pending.
#[derive(Debug, Default)]
pub(crate) struct SortedEntries {
    entries: Vec<Entry>,
    head: usize,
}

impl SortedEntries {
    pub fn len(&self) -> usize {
        self.entries.len() - self.head
    }

    /// Inserts after every entry with an equal or earlier time (FIFO ties),
    /// by one insertion-sort step from the back: new events are usually the
    /// latest, so this rarely moves more than an entry or two.
    #[inline]
    pub fn push(&mut self, e: Entry) {
        self.entries.push(e);
        let mut i = self.entries.len() - 1;
        while i > self.head && self.entries[i - 1].time > e.time {
            self.entries[i] = self.entries[i - 1];
            i -= 1;
        }
        self.entries[i] = e;
    }

    #[inline]
    pub fn peek(&self) -> Option<Entry> {
        self.entries.get(self.head).copied()
    }

    #[inline]
    pub fn pop_until(&mut self, limit: u64) -> Option<Entry> {
        let e = *self.entries.get(self.head)?;
        if e.time > limit {
            return None;
        }
        self.head += 1;
        if self.head == self.entries.len() {
            self.entries.clear();
            self.head = 0;
        } else if self.head >= 64 {
            self.entries.drain(..self.head);
            self.head = 0;
        }
        Some(e)
    }

    /// Removes every entry, in order.
    pub fn take_all(&mut self) -> Vec<Entry> {
        let all = self.entries.split_off(self.head);
        self.entries.clear();
        self.head = 0;
        all
    }

    pub fn allocated_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<Entry>()
    }
}
