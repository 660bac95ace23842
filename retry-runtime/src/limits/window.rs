//! [`Window`]: two counts over a sliding window of time, lock-free and without allocation:
//! a ring of [`BUCKETS`] atomic words, each holding the index of the slice of time it counts
//! and two counts, so that a reader sums the buckets still inside the window and a writer
//! resets a stale bucket in the same compare-and-swap that counts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The buckets of a window: the counts cover the last `span`, to a tenth of it.
pub(crate) const BUCKETS: usize = 10;

/// Bits of a bucket: the slice index (high), then the two counts.
const COUNT_BITS: u32 = 20;
const COUNT_MAX: u64 = (1 << COUNT_BITS) - 1;
const INDEX_SHIFT: u32 = 2 * COUNT_BITS;
const INDEX_MASK: u64 = (1 << (64 - INDEX_SHIFT)) - 1;

/// Which of a bucket's two counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    /// The low count: failures (breaker), requests (throttle).
    First,
    /// The high count: successes (breaker), accepts (throttle).
    Second,
}

impl Count {
    /// Where the count starts in a bucket.
    const fn shift(self) -> u32 {
        match self {
            Count::First => 0,
            Count::Second => COUNT_BITS,
        }
    }
}

/// Two counts over the last `span` of time, in [`BUCKETS`] slices. Each count saturates at
/// about a million per slice.
pub(crate) struct Window {
    buckets: [AtomicU64; BUCKETS],
    /// The length of one slice, in nanoseconds (at least 1).
    slice: u64,
}

impl Window {
    /// An empty window over `span`.
    pub(crate) const fn new(span: Duration) -> Self {
        let slice = span.as_nanos() / BUCKETS as u128;
        let slice = if slice == 0 {
            1
        } else if slice > u64::MAX as u128 {
            u64::MAX
        } else {
            #[allow(clippy::cast_possible_truncation)] // at most u64::MAX
            let slice = slice as u64;
            slice
        };
        Window {
            buckets: [const { AtomicU64::new(0) }; BUCKETS],
            slice,
        }
    }

    /// The length of the window.
    pub(crate) const fn span(&self) -> Duration {
        Duration::from_nanos(self.slice.saturating_mul(BUCKETS as u64))
    }

    /// The slice `now` (nanoseconds since the clock's origin) is in.
    #[inline]
    fn slice_at(&self, now: u64) -> u64 {
        now / self.slice
    }

    /// Counts one more in `count` at `now`.
    pub(crate) fn add(&self, now: u64, count: Count) {
        let slice = self.slice_at(now);
        let index = slice & INDEX_MASK;
        // The slot is the slice's place in the ring; `usize` holds any value below BUCKETS.
        #[allow(clippy::cast_possible_truncation)] // below BUCKETS
        let bucket = &self.buckets[(slice % BUCKETS as u64) as usize];
        let shift = count.shift();
        let mut current = bucket.load(Ordering::Relaxed);
        loop {
            let next = if current >> INDEX_SHIFT == index {
                let counted = (current >> shift) & COUNT_MAX;
                if counted == COUNT_MAX {
                    return;
                }
                current + (1 << shift)
            } else {
                // A bucket left from an earlier lap of the ring: its counts are stale.
                (index << INDEX_SHIFT) | (1 << shift)
            };
            match bucket.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// The two counts of the window ending at `now`: `(first, second)`.
    pub(crate) fn sum(&self, now: u64) -> (u64, u64) {
        let index = self.slice_at(now) & INDEX_MASK;
        let mut sums = (0, 0);
        for bucket in &self.buckets {
            let bucket = bucket.load(Ordering::Relaxed);
            let age = index.wrapping_sub(bucket >> INDEX_SHIFT) & INDEX_MASK;
            if age < BUCKETS as u64 {
                sums.0 += bucket & COUNT_MAX;
                sums.1 += (bucket >> COUNT_BITS) & COUNT_MAX;
            }
        }
        sums
    }

    /// Forgets every count.
    pub(crate) fn clear(&self) {
        for bucket in &self.buckets {
            bucket.store(0, Ordering::Relaxed);
        }
    }
}

impl std::fmt::Debug for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Window")
            .field("span", &self.span())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: u64 = 1_000_000_000;

    #[test]
    fn counts_what_is_inside_the_window_only() {
        let window = Window::new(Duration::from_secs(10));
        window.add(0, Count::First);
        window.add(SECOND / 2, Count::Second);
        window.add(3 * SECOND, Count::First);
        assert_eq!(window.sum(3 * SECOND), (2, 1));
        // The first slice (0..1 s) leaves the window at 10 s.
        assert_eq!(window.sum(10 * SECOND), (1, 0));
        assert_eq!(window.sum(13 * SECOND), (0, 0));
        // A slot reused a lap later starts from zero.
        window.add(20 * SECOND, Count::Second);
        assert_eq!(window.sum(20 * SECOND), (0, 1));
        window.clear();
        assert_eq!(window.sum(20 * SECOND), (0, 0));
    }

    #[test]
    fn counts_saturate_instead_of_spilling_into_the_other() {
        let window = Window::new(Duration::from_secs(10));
        for _ in 0..COUNT_MAX + 5 {
            window.add(0, Count::First);
        }
        assert_eq!(window.sum(0), (COUNT_MAX, 0));
    }

    #[test]
    fn counts_from_many_threads_are_all_kept() {
        let window = Window::new(Duration::from_secs(10));
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..10_000 {
                        window.add(0, Count::First);
                        window.add(0, Count::Second);
                    }
                });
            }
        });
        assert_eq!(window.sum(0), (40_000, 40_000));
    }
}
