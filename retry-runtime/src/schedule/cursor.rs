//! Where a call is in its schedule. One [`Cursor`] steps it, for a call's engine and for
//! the [`Delays`](super::Delays) and [`JitteredDelays`](super::JitteredDelays) iterators
//! alike, so that they agree.

use std::num::NonZeroU32;
use std::time::Duration;

use super::jitter::{Jitter, Random};
use super::policy::Policy;

/// Where a call is in its schedule: the next retry's number and the state of decorrelated
/// jitter. It is 16 bytes, and so is `Option<Cursor>`, which every async `#[retry]` fn
/// keeps in its future.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor {
    /// The delay decorrelated jitter drew last (`base` before the first draw): a
    /// `Duration` taken apart, so that `next` fits beside it.
    previous_secs: u64,
    previous_nanos: u32,
    /// `k + 1`, with `k` the zero-based number of the next retry in the schedule's
    /// formulas. Never zero, which gives `Option<Cursor>` its niche.
    next: NonZeroU32,
}

/// The nanoseconds of a cursor that stands for a refused call: no `Duration` has them.
const REFUSED: u32 = u32::MAX;

impl Cursor {
    /// A cursor that stands for a call refused before its first attempt, with `code` (the
    /// engine's) saying why: no schedule follows it. (A marker in the nanoseconds keeps the
    /// engine, and every async fn's future, as small as it was before calls could be
    /// refused.)
    pub(crate) const fn refused(code: u8) -> Self {
        Cursor {
            previous_secs: code as u64,
            previous_nanos: REFUSED,
            next: NonZeroU32::MIN,
        }
    }

    /// The code of a cursor made by [`Cursor::refused`].
    #[inline]
    pub(crate) const fn refusal(&self) -> Option<u8> {
        if self.previous_nanos == REFUSED {
            #[allow(clippy::cast_possible_truncation)] // made from a `u8`
            Some(self.previous_secs as u8)
        } else {
            None
        }
    }

    pub(crate) const fn new(policy: &Policy) -> Self {
        Cursor {
            previous_secs: policy.base.as_secs(),
            previous_nanos: policy.base.subsec_nanos(),
            next: NonZeroU32::MIN,
        }
    }

    /// The zero-based number of the next retry.
    pub(crate) const fn retry(&self) -> u32 {
        self.next.get() - 1
    }

    /// The 1-based number of the attempt this retry follows: the retry number plus one.
    pub(crate) const fn attempts(&self) -> u32 {
        self.next.get()
    }

    /// Moves to retry `k` (at most `u32::MAX - 1`).
    pub(crate) fn seek(&mut self, k: u32) {
        self.next = NonZeroU32::MIN.saturating_add(k);
    }

    /// The next retry's delay before jitter, floored by `min_delay` and capped by
    /// `max_delay`; steps to the one after.
    pub(super) fn shaped(&mut self, policy: &Policy) -> Duration {
        let delay = policy.floor(policy.shaped(self.retry()));
        self.step();
        delay
    }

    /// The next retry's delay, jitter included, floored by `min_delay`; steps to the one
    /// after. Inlined into the
    /// engine's step for the common case, no jitter; the jitters are out of line.
    #[inline]
    pub(crate) fn jittered(&mut self, policy: &Policy, random: &mut impl Random) -> Duration {
        let delay = match policy.jitter {
            Jitter::None => policy.shaped(self.retry()),
            _ => self.randomised(policy, random),
        };
        self.step();
        policy.floor(delay)
    }

    /// The next retry's delay with `policy`'s jitter (not `None`), without stepping.
    #[inline(never)]
    fn randomised(&mut self, policy: &Policy, random: &mut impl Random) -> Duration {
        match policy.jitter {
            Jitter::None => policy.shaped(self.retry()),
            // The only jitter with a state, and the only one that ignores the shape.
            Jitter::Decorrelated => {
                let mut previous = Duration::new(self.previous_secs, self.previous_nanos);
                let delay = Jitter::Decorrelated.apply(
                    Duration::ZERO,
                    policy.base,
                    policy.max_delay,
                    &mut previous,
                    random,
                );
                (self.previous_secs, self.previous_nanos) =
                    (previous.as_secs(), previous.subsec_nanos());
                delay
            }
            jitter => {
                let mut stateless = Duration::ZERO;
                let shaped = policy.shaped(self.retry());
                jitter.apply(
                    shaped,
                    policy.base,
                    policy.max_delay,
                    &mut stateless,
                    random,
                )
            }
        }
    }

    /// Moves to the next retry without a delay: a hedged attempt started.
    pub(crate) fn advance(&mut self) {
        self.step();
    }

    fn step(&mut self) {
        self.next = self.next.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Jitter, Policy};

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn delays_are_capped_and_count_the_retries() {
        let p = Policy::new()
            .max_attempts(5)
            .base(MS * 300)
            .max_delay(MS * 1000);
        let delays: Vec<_> = p.delays().collect();
        assert_eq!(delays, [MS * 300, MS * 600, MS * 1000, MS * 1000]);
        assert_eq!(p.delays().len(), 4);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let p = Policy::new().max_attempts(u32::MAX).base(Duration::MAX);
        assert_eq!(p.delays().len(), usize::try_from(u32::MAX - 1).unwrap());
        let last = usize::try_from(u32::MAX - 2).unwrap();
        assert_eq!(p.delays().nth(last), Some(Duration::MAX));
        assert_eq!(p.delays().nth(last + 1), None);
    }

    #[test]
    fn the_cursor_steps_as_the_iterators_do() {
        for jitter in [
            Jitter::None,
            Jitter::Full,
            Jitter::Equal,
            Jitter::Decorrelated,
        ] {
            let policy = Policy::new()
                .max_attempts(8)
                .base(MS * 10)
                .max_delay(MS * 500)
                .jitter(jitter);
            let mut cursor = Cursor::new(&policy);
            let mut rng = fastrand::Rng::with_seed(9);
            let by_cursor: Vec<_> = (0..7).map(|_| cursor.jittered(&policy, &mut rng)).collect();
            let by_iterator: Vec<_> = policy.jittered_delays(9).collect();
            assert_eq!(by_cursor, by_iterator, "{jitter:?}");
        }
    }

    #[test]
    fn an_optional_cursor_takes_16_bytes() {
        assert_eq!(size_of::<Option<Cursor>>(), 16);
    }
}
