//! Where a call is in its schedule. One [`Cursor`] steps it, for a call's engine and for
//! the [`Delays`](super::Delays) and [`JitteredDelays`](super::JitteredDelays) iterators
//! alike, so that they agree.

use std::num::NonZeroU32;
use std::time::Duration;

use super::backoff::{Backoff, nanos_u64};
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
    /// after. Inlined into the engine's step for the common schedules (exponential with
    /// the default factor or fixed, no jitter, full or equal); the others are out of line.
    #[inline]
    pub(crate) fn jittered(&mut self, policy: &Policy, random: &mut impl Random) -> Duration {
        // The common schedules, in `u64` nanoseconds and inline: the same delays and draws
        // as the general path, in a third of the instructions.
        let delay = match (shaped_nanos(policy, self.retry()), policy.jitter) {
            (Some(capped), Jitter::None) => Duration::from_nanos(capped),
            (Some(capped), Jitter::Full) => Duration::from_nanos(random.up_to(capped)),
            (Some(capped), Jitter::Equal) => {
                let half = capped / 2;
                Duration::from_nanos(half + random.up_to(half))
            }
            (None, Jitter::None) => policy.shaped(self.retry()),
            (_, _) => self.randomised(policy, random),
        };
        self.step();
        policy.floor(delay)
    }

    /// The next retry's delay with `policy`'s jitter (not `None`), without stepping: the
    /// general path, for every shape and every duration.
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

/// Retry `k`'s delay before jitter, capped by `max_delay`, in nanoseconds, for the shapes
/// most schedules use (exponential with the default factor, and fixed) when it fits in a
/// `u64` (584 years); `None` sends the caller to the general path, which gives the same
/// delay for these.
#[inline]
fn shaped_nanos(policy: &Policy, k: u32) -> Option<u64> {
    let base = nanos_u64(policy.base)?;
    let delay = match policy.backoff {
        Backoff::Exponential if policy.factor.to_bits() == 2f64.to_bits() => {
            // `base * 2^k` unless it overflows (`u64::MAX >> k` is the largest base that
            // does not).
            if k >= u64::BITS || base > u64::MAX >> k {
                return None;
            }
            base << k
        }
        Backoff::Fixed => base,
        _ => return None,
    };
    Some(match policy.max_delay {
        // A cap of 584 years or more takes the general path.
        Some(max) => delay.min(nanos_u64(max)?),
        None => delay,
    })
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
    fn the_fast_path_gives_the_general_paths_delays_and_draws() {
        let shapes = [Backoff::Exponential, Backoff::Fixed, Backoff::Linear];
        let bases = [
            Duration::ZERO,
            Duration::from_nanos(1),
            MS * 10,
            Duration::from_secs(3) + Duration::from_nanos(7),
            Duration::from_nanos(u64::MAX / 5),
            // Either side of where `nanos_u64` stops.
            Duration::new(18_446_744_072, 999_999_999),
            Duration::new(18_446_744_073, 0),
            Duration::MAX,
        ];
        let caps = [
            None,
            Some(MS * 700),
            Some(Duration::new(18_446_744_072, 999_999_999)),
            Some(Duration::from_nanos(u64::MAX)),
            Some(Duration::MAX),
        ];
        for backoff in shapes {
            for base in bases {
                for max_delay in caps {
                    for jitter in [Jitter::None, Jitter::Full, Jitter::Equal] {
                        let mut policy = Policy::new()
                            .max_attempts(70)
                            .base(base)
                            .backoff(backoff)
                            .jitter(jitter);
                        if let Some(max) = max_delay {
                            policy = policy.max_delay(max);
                        }
                        let (mut fast, mut general) = (Cursor::new(&policy), Cursor::new(&policy));
                        let (mut a, mut b) =
                            (fastrand::Rng::with_seed(5), fastrand::Rng::with_seed(5));
                        for k in 0..69 {
                            let expected = {
                                let mut stateless = Duration::ZERO;
                                let shaped = policy.shaped(general.retry());
                                general.step();
                                jitter.apply(shaped, base, policy.max_delay, &mut stateless, &mut b)
                            };
                            let got = fast.jittered(&policy, &mut a);
                            assert_eq!(
                                got, expected,
                                "{backoff:?} {base:?} {max_delay:?} {jitter:?} k={k}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn an_optional_cursor_takes_16_bytes() {
        assert_eq!(size_of::<Option<Cursor>>(), 16);
    }
}
