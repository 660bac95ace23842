//! [`CircuitBreaker`]: refuses attempts while the service mostly fails, then lets one probe
//! through to see whether it is back.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::Rejected;
use super::window::{Count, Window};

/// A circuit breaker shared by any number of fns, builders and tower layers: when most
/// recent attempts failed, it refuses attempts for a while instead of sending them to a
/// service that cannot serve them, then lets one through as a probe.
///
/// - **Closed**: attempts pass and their outcomes are counted. It opens when, within the
///   last [`sampling`](CircuitBreaker::sampling) (to a tenth of it), at least
///   [`minimum_throughput`](CircuitBreaker::minimum_throughput) outcomes were counted and
///   the failed share is at least [`failure_ratio`](CircuitBreaker::failure_ratio).
/// - **Open**: every attempt is refused ([`Rejected`]) for
///   [`break_for`](CircuitBreaker::break_for).
/// - **Half-open**: one attempt at a time passes as a probe; a success closes it (the counts
///   start afresh), a failure opens it again for `break_for`. A probe whose call was
///   dropped before its outcome (cancelled) is replaced by another after `break_for`.
///
/// What counts as a failure is the engine's rule (see "Protecting an overloaded service" in
/// the crate docs): a failure that `when` retries and an attempt cut by `attempt_timeout`;
/// a success, and a failure that `when` declines (the service answered), count as
/// successes.
///
/// It is `const`-constructible, lock-free (a state word and ten buckets of atomic counts, no
/// allocation, no lock) and `Sync`. It reads the runtime's clock: tokio's with the `tokio`
/// feature, so `tokio::time::pause()` governs it. The `*_at` methods take the time from
/// the caller instead (any fixed origin), for a loop of your own or a simulation.
///
/// ```
/// use retry_runtime::{BreakerState, CircuitBreaker, retry};
/// use std::time::Duration;
///
/// static BREAKER: CircuitBreaker = CircuitBreaker::new()  // the defaults:
///     .failure_ratio(0.5)
///     .minimum_throughput(10)
///     .sampling(Duration::from_secs(10))
///     .break_for(Duration::from_secs(5));
///
/// #[retry(max = 3, base = "0s", breaker = &BREAKER)]
/// fn fetch() -> Result<u8, std::io::Error> {
///     Err(std::io::ErrorKind::ConnectionReset.into())
/// }
///
/// for _ in 0..4 {
///     let _ = fetch(); // 3 failed attempts each: the tenth opens the breaker
/// }
/// assert_eq!(BREAKER.state(), BreakerState::Open);
/// let refused = fetch().unwrap_err(); // no attempt was made
/// assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
/// ```
pub struct CircuitBreaker {
    failure_ratio: f64,
    minimum_throughput: u64,
    break_for: Duration,
    /// Failures ([`Count::First`]) and successes ([`Count::Second`]) while closed.
    window: Window,
    /// The state in the low two bits; the time above them (open: until when; half-open:
    /// when the probe started), in nanoseconds on the limits' clock.
    state: AtomicU64,
}

/// The state of a [`CircuitBreaker`]: see [`CircuitBreaker::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BreakerState {
    /// Attempts pass and are counted.
    Closed,
    /// Attempts are refused.
    Open,
    /// One attempt at a time passes, as a probe of the service.
    HalfOpen,
}

const CLOSED: u64 = 0;
const OPEN: u64 = 1;
const HALF_OPEN: u64 = 2;

const fn pack(kind: u64, time: u64) -> u64 {
    (time << 2) | kind
}

const fn kind(state: u64) -> u64 {
    state & 0b11
}

const fn time(state: u64) -> u64 {
    state >> 2
}

/// Nanoseconds, as the limits count them (saturating, and within the 62 bits of a state).
pub(crate) const fn nanos(duration: Duration) -> u64 {
    let nanos = duration.as_nanos();
    if nanos > (u64::MAX >> 2) as u128 {
        u64::MAX >> 2
    } else {
        #[allow(clippy::cast_possible_truncation)] // below 2^62
        let nanos = nanos as u64;
        nanos
    }
}

impl CircuitBreaker {
    /// A closed breaker with the defaults: it opens when at least half of at least 10
    /// attempts within the last 10 s failed, and stays open for 5 s.
    ///
    /// The defaults are resilience4j's and Polly's in spirit: 10 attempts is the smallest
    /// sample in which one unlucky failure or two do not open it, 10 s is long enough to
    /// hold that many at modest rates and short enough to forget an incident soon after it
    /// ends, and 5 s lets a stalled service drain its queue before the probe.
    pub const fn new() -> Self {
        CircuitBreaker {
            failure_ratio: 0.5,
            minimum_throughput: 10,
            break_for: Duration::from_secs(5),
            window: Window::new(Duration::from_secs(10)),
            state: AtomicU64::new(CLOSED),
        }
    }

    /// Opens when at least this share of the attempts counted failed (default `0.5`).
    ///
    /// # Panics
    ///
    /// When `ratio` is not a number in `0.0 < ratio <= 1.0`; in a `static` or `const`,
    /// that is a compile error.
    ///
    /// ```compile_fail
    /// use retry_runtime::CircuitBreaker;
    ///
    /// static BREAKER: CircuitBreaker = CircuitBreaker::new().failure_ratio(1.5);
    /// ```
    #[must_use]
    pub const fn failure_ratio(mut self, ratio: f64) -> Self {
        assert!(
            ratio > 0.0 && ratio <= 1.0,
            "CircuitBreaker::failure_ratio: `ratio` must be in 0.0 < ratio <= 1.0"
        );
        self.failure_ratio = ratio;
        self
    }

    /// Opens only when at least this many attempts were counted within the last `sampling`
    /// (default `10`), so that a quiet caller's one failure does not open it.
    ///
    /// # Panics
    ///
    /// When `attempts` is 0.
    #[must_use]
    pub const fn minimum_throughput(mut self, attempts: u32) -> Self {
        assert!(
            attempts >= 1,
            "CircuitBreaker::minimum_throughput: `attempts` must be at least 1"
        );
        self.minimum_throughput = attempts as u64;
        self
    }

    /// The window in which attempts are counted (default 10 s), kept in ten slices: the
    /// counts cover the last `sampling` to a tenth of it.
    ///
    /// # Panics
    ///
    /// When `window` is zero.
    #[must_use]
    pub const fn sampling(mut self, window: Duration) -> Self {
        assert!(
            !window.is_zero(),
            "CircuitBreaker::sampling: `window` must be longer than zero"
        );
        self.window = Window::new(window);
        self
    }

    /// How long an open breaker refuses attempts before it lets a probe through (default
    /// 5 s).
    #[must_use]
    pub const fn break_for(mut self, duration: Duration) -> Self {
        self.break_for = duration;
        self
    }

    /// The state now, on the runtime's clock: an open breaker whose `break_for` has passed
    /// is [`BreakerState::HalfOpen`] (the next attempt is its probe).
    pub fn state(&self) -> BreakerState {
        self.state_of(crate::time::now())
    }

    /// [`state`](CircuitBreaker::state) at `now`, on the caller's clock.
    pub fn state_at(&self, now: Duration) -> BreakerState {
        self.state_of(nanos(now))
    }

    /// Asks to make an attempt at `now`, on the caller's clock: `Ok` when it may be made
    /// (closed, or this is the half-open breaker's probe), else the [`Rejected`] that says
    /// until when it is open. Report the attempt's outcome with
    /// [`success_at`](CircuitBreaker::success_at) or
    /// [`failure_at`](CircuitBreaker::failure_at).
    ///
    /// # Errors
    ///
    /// The [`Rejected`] of an open breaker, or of a half-open one whose probe runs.
    pub fn admit_at(&self, now: Duration) -> Result<(), Rejected> {
        self.admit(nanos(now))
    }

    /// Counts a success at `now`, on the caller's clock: a half-open breaker closes.
    pub fn success_at(&self, now: Duration) {
        self.record(nanos(now), true);
    }

    /// Counts a failure at `now`, on the caller's clock: a closed breaker may open, a
    /// half-open one opens again.
    pub fn failure_at(&self, now: Duration) {
        self.record(nanos(now), false);
    }

    fn state_of(&self, now: u64) -> BreakerState {
        let state = self.state.load(Ordering::Acquire);
        match kind(state) {
            CLOSED => BreakerState::Closed,
            OPEN if now < time(state) => BreakerState::Open,
            _ => BreakerState::HalfOpen,
        }
    }

    /// Whether an attempt at `now` would surely be refused (open, `break_for` not over),
    /// without taking the probe: the engine asks it before it asks a throttle.
    #[inline]
    pub(crate) fn refuses(&self, now: u64) -> Option<Rejected> {
        let state = self.state.load(Ordering::Acquire);
        (kind(state) == OPEN && now < time(state))
            .then(|| Rejected::circuit_open(Some(Duration::from_nanos(time(state) - now))))
    }

    /// [`admit_at`](CircuitBreaker::admit_at) at `now` in nanoseconds.
    pub(crate) fn admit(&self, now: u64) -> Result<(), Rejected> {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let until = match kind(state) {
                CLOSED => return Ok(()),
                OPEN => time(state),
                // A probe is running; one dropped before its outcome is replaced after
                // `break_for`, so that a cancelled call cannot hold the breaker half-open.
                _ => time(state).saturating_add(nanos(self.break_for)),
            };
            if now < until {
                let after = (kind(state) == OPEN).then(|| Duration::from_nanos(until - now));
                return Err(Rejected::circuit_open(after));
            }
            // This attempt is the probe.
            let probing = pack(HALF_OPEN, now);
            match self.state.compare_exchange_weak(
                state,
                probing,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    if kind(state) == OPEN {
                        events::half_open();
                    }
                    return Ok(());
                }
                Err(actual) => state = actual,
            }
        }
    }

    /// Counts an outcome at `now` in nanoseconds.
    pub(crate) fn record(&self, now: u64, success: bool) {
        let state = self.state.load(Ordering::Acquire);
        match kind(state) {
            CLOSED => {
                let count = if success { Count::Second } else { Count::First };
                self.window.add(now, count);
                if !success {
                    self.trip_if_failing(state, now);
                }
            }
            HALF_OPEN => {
                let next = if success {
                    CLOSED
                } else {
                    pack(OPEN, now.saturating_add(nanos(self.break_for)))
                };
                if self
                    .state
                    .compare_exchange(state, next, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
                {
                    if success {
                        self.window.clear();
                        events::closed();
                    } else {
                        events::opened(None, self.break_for);
                    }
                }
            }
            // An attempt let through before it opened: the counts start afresh on closing.
            _ => {}
        }
    }

    /// After a failure while closed: opens when the window's failed share is high enough.
    #[cold]
    fn trip_if_failing(&self, closed: u64, now: u64) {
        let (failures, successes) = self.window.sum(now);
        let counted = failures + successes;
        #[allow(clippy::cast_precision_loss)] // counts below 2^24: exact in an f64
        let failing = counted >= self.minimum_throughput
            && failures as f64 >= self.failure_ratio * counted as f64;
        if failing {
            let open = pack(OPEN, now.saturating_add(nanos(self.break_for)));
            if self
                .state
                .compare_exchange(closed, open, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                events::opened(Some((failures, counted)), self.break_for);
            }
        }
    }
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker::new()
    }
}

impl fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("state", &self.state())
            .field("failure_ratio", &self.failure_ratio)
            .field("minimum_throughput", &self.minimum_throughput)
            .field("sampling", &self.window.span())
            .field("break_for", &self.break_for)
            .finish()
    }
}

/// The `tracing` events of a breaker's changes of state, target `retry_runtime`: WARN when
/// it opens, INFO when it half-opens or closes.
mod events {
    use std::time::Duration;

    /// It opened: after `failed` of `counted` attempts (`None`: its probe failed).
    #[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
    pub(super) fn opened(failed: Option<(u64, u64)>, break_for: Duration) {
        #[cfg(feature = "tracing")]
        match failed {
            Some((failures, attempts)) => tracing::warn!(
                target: "retry_runtime",
                failures,
                attempts,
                break_for = ?break_for,
                "circuit breaker opened",
            ),
            None => tracing::warn!(
                target: "retry_runtime",
                break_for = ?break_for,
                "circuit breaker opened again: its probe failed",
            ),
        }
    }

    pub(super) fn half_open() {
        #[cfg(feature = "tracing")]
        tracing::info!(target: "retry_runtime", "circuit breaker half-open: probing");
    }

    pub(super) fn closed() {
        #[cfg(feature = "tracing")]
        tracing::info!(target: "retry_runtime", "circuit breaker closed: its probe succeeded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn breaker() -> CircuitBreaker {
        CircuitBreaker::new()
            .minimum_throughput(4)
            .failure_ratio(0.5)
            .sampling(S * 10)
            .break_for(S * 5)
    }

    #[test]
    fn opens_at_the_ratio_once_the_throughput_is_reached() {
        let b = breaker();
        b.failure_at(S);
        b.failure_at(S);
        b.failure_at(S);
        // Three failures of three: below the minimum throughput.
        assert_eq!(b.state_at(S), BreakerState::Closed);
        b.success_at(S);
        b.success_at(S);
        // 3 of 5 counted, but a success never opens it.
        assert_eq!(b.state_at(S), BreakerState::Closed);
        b.failure_at(S * 2);
        // 4 of 6 failed: open until 7 s.
        assert_eq!(b.state_at(S * 2), BreakerState::Open);
        assert_eq!(b.admit_at(S * 3), Err(Rejected::circuit_open(Some(S * 4))));
    }

    #[test]
    fn forgets_failures_older_than_the_sampling_window() {
        let b = breaker();
        for _ in 0..3 {
            b.failure_at(S);
        }
        b.failure_at(S * 12); // the first three left the window at 11 s
        assert_eq!(b.state_at(S * 12), BreakerState::Closed);
        assert_eq!(b.window.sum(nanos(S * 12)), (1, 0));
    }

    #[test]
    fn half_opens_after_break_for_with_one_probe_at_a_time() {
        let b = breaker();
        for _ in 0..4 {
            b.failure_at(S);
        }
        assert_eq!(
            b.state_at(Duration::from_nanos(5_999_999_999)),
            BreakerState::Open
        );
        assert_eq!(b.state_at(S * 6), BreakerState::HalfOpen);
        assert_eq!(b.admit_at(S * 6), Ok(()));
        // The probe runs: others are refused, with no time to wait for.
        assert_eq!(b.admit_at(S * 7), Err(Rejected::circuit_open(None)));
        // A failed probe opens it again for `break_for`.
        b.failure_at(S * 7);
        assert_eq!(b.state_at(S * 8), BreakerState::Open);
        assert_eq!(b.admit_at(S * 12), Ok(()));
        // A successful probe closes it, with the counts afresh.
        b.success_at(S * 12);
        assert_eq!(b.state_at(S * 12), BreakerState::Closed);
        assert_eq!(b.window.sum(nanos(S * 12)), (0, 0));
        b.failure_at(S * 12);
        assert_eq!(b.state_at(S * 12), BreakerState::Closed);
    }

    #[test]
    fn a_probe_that_never_reports_is_replaced_after_break_for() {
        let b = breaker();
        for _ in 0..4 {
            b.failure_at(S);
        }
        assert_eq!(b.admit_at(S * 6), Ok(()));
        assert!(b.admit_at(Duration::from_nanos(10_999_999_999)).is_err());
        assert_eq!(b.admit_at(S * 11), Ok(()));
    }

    #[test]
    fn outcomes_of_attempts_let_through_before_it_opened_are_not_counted() {
        let b = breaker();
        for _ in 0..4 {
            b.failure_at(S);
        }
        b.success_at(S * 2);
        assert_eq!(b.state_at(S * 2), BreakerState::Open);
    }

    #[test]
    fn is_const_and_sync() {
        static B: CircuitBreaker = CircuitBreaker::new();
        fn sync<T: Sync>(_: &T) {}
        sync(&B);
        assert_eq!(B.state(), BreakerState::Closed);
        assert!(format!("{B:?}").contains("break_for: 5s"));
    }

    #[test]
    #[should_panic(expected = "`ratio` must be in 0.0 < ratio <= 1.0")]
    fn a_ratio_above_one_is_refused() {
        let _ = CircuitBreaker::new().failure_ratio(1.5);
    }

    #[test]
    #[should_panic(expected = "`attempts` must be at least 1")]
    fn a_zero_throughput_is_refused() {
        let _ = CircuitBreaker::new().minimum_throughput(0);
    }

    #[test]
    #[should_panic(expected = "`window` must be longer than zero")]
    fn a_zero_window_is_refused() {
        let _ = CircuitBreaker::new().sampling(Duration::ZERO);
    }
}
