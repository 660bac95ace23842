//! [`Throttle`]: client-side adaptive throttling, as the Google SRE book describes it.

use std::fmt;
use std::time::Duration;

use super::Rejected;
use super::breaker::nanos;
use super::window::{Count, Window};

/// Client-side adaptive throttling (Google SRE book, "Handling Overload"), shared by any
/// number of fns, builders and tower layers: when the service accepts fewer attempts than
/// the client makes, the client sheds the excess itself, in proportion.
///
/// Before each attempt, the first included, with `requests` the attempts it saw in the last
/// [`window`](Throttle::window) (refused ones included) and `accepts` those counted as
/// successes, the attempt is refused with probability
/// `max(0, (requests − K·accepts) / (requests + 1))`, so a fresh throttle never refuses,
/// and with `K = 2` a service that answers half the attempts sees no shedding at all.
/// A success, and a failure that `when` declines (the service answered), are accepts.
///
/// It is `const`-constructible, lock-free (ten buckets of atomic counts, no allocation, no
/// lock) and `Sync`. It reads the runtime's clock: tokio's with the `tokio` feature, so
/// `tokio::time::pause()` governs it. The `*_at` methods take the time from the caller
/// instead (any fixed origin), for a loop of your own or a simulation.
///
/// ```
/// use retry_runtime::{Throttle, retry};
/// use std::time::Duration;
///
/// static THROTTLE: Throttle = Throttle::new(2.0).window(Duration::from_secs(60));
///
/// #[retry(max = 3, base = "0s", throttle = &THROTTLE)]
/// fn fetch() -> Result<u8, std::io::Error> {
///     Err(std::io::ErrorKind::ConnectionReset.into())
/// }
///
/// assert_eq!(THROTTLE.probability(), 0.0);
/// for _ in 0..20 {
///     let _ = fetch();
/// }
/// // Every attempt failed: now most are shed before they are made.
/// assert!(THROTTLE.probability() > 0.9);
/// ```
pub struct Throttle {
    k: f64,
    /// Requests ([`Count::First`]) and accepts ([`Count::Second`]).
    window: Window,
}

impl Throttle {
    /// A throttle with multiplier `k` (the SRE book's `K`: 2 is its usual choice; lower
    /// sheds sooner, higher lets more through) over a window of 2 minutes.
    ///
    /// # Panics
    ///
    /// When `k` is not a finite number of at least 1 (below 1 it would shed attempts a
    /// healthy service answers); in a `static` or `const`, that is a compile error.
    ///
    /// ```compile_fail
    /// use retry_runtime::Throttle;
    ///
    /// static THROTTLE: Throttle = Throttle::new(0.5);
    /// ```
    pub const fn new(k: f64) -> Self {
        assert!(
            k >= 1.0 && k.is_finite(),
            "Throttle::new: `k` must be a finite number of at least 1.0"
        );
        Throttle {
            k,
            window: Window::new(Duration::from_secs(120)),
        }
    }

    /// The window in which requests and accepts are counted (default 2 minutes, as in the
    /// SRE book), kept in ten slices. A shorter window reacts to an incident sooner and
    /// forgets it sooner.
    ///
    /// # Panics
    ///
    /// When `window` is zero.
    #[must_use]
    pub const fn window(mut self, window: Duration) -> Self {
        assert!(
            !window.is_zero(),
            "Throttle::window: `window` must be longer than zero"
        );
        self.window = Window::new(window);
        self
    }

    /// The probability that the next attempt is refused, now, on the runtime's clock.
    pub fn probability(&self) -> f64 {
        self.probability_of(crate::time::now())
    }

    /// [`probability`](Throttle::probability) at `now`, on the caller's clock.
    pub fn probability_at(&self, now: Duration) -> f64 {
        self.probability_of(nanos(now))
    }

    /// Asks to make an attempt at `now`, on the caller's clock, with `draw` a random number
    /// in `0.0..1.0`: counts the request and refuses it when `draw` is below the
    /// probability. Report a success with [`success_at`](Throttle::success_at).
    ///
    /// # Errors
    ///
    /// The [`Rejected`] of a shed attempt.
    pub fn admit_at(&self, now: Duration, draw: f64) -> Result<(), Rejected> {
        self.admit_with(nanos(now), || draw, true)
    }

    /// Counts an accept at `now`, on the caller's clock.
    pub fn success_at(&self, now: Duration) {
        self.record(nanos(now), true);
    }

    #[allow(clippy::cast_precision_loss)] // counts below 2^24: exact in an f64
    fn probability_of(&self, now: u64) -> f64 {
        let (requests, accepts) = self.window.sum(now);
        let requests = requests as f64;
        ((requests - self.k * accepts as f64) / (requests + 1.0)).max(0.0)
    }

    /// [`admit_at`](Throttle::admit_at) at `now` in nanoseconds, with the thread's random
    /// numbers. `counted`: the request is counted now; otherwise only a refusal is, and an
    /// attempt that is made is counted when it is (tower's first attempts, see
    /// [`request`](Throttle::request)).
    #[inline]
    pub(crate) fn admit(&self, now: u64, counted: bool) -> Result<(), Rejected> {
        self.admit_with(now, fastrand::f64, counted)
    }

    fn admit_with(
        &self,
        now: u64,
        draw: impl FnOnce() -> f64,
        counted: bool,
    ) -> Result<(), Rejected> {
        let probability = self.probability_of(now);
        // No draw while nothing is shed.
        let refused = probability > 0.0 && draw() < probability;
        if refused || counted {
            self.window.add(now, Count::First);
        }
        if refused {
            return Err(Rejected::throttled());
        }
        Ok(())
    }

    /// Counts a request made without asking at `now` in nanoseconds.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn request(&self, now: u64) {
        self.window.add(now, Count::First);
    }

    /// Counts an outcome at `now` in nanoseconds: a success is an accept.
    #[inline]
    pub(crate) fn record(&self, now: u64, success: bool) {
        if success {
            self.window.add(now, Count::Second);
        }
    }
}

impl fmt::Debug for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Throttle")
            .field("k", &self.k)
            .field("window", &self.window.span())
            .field("probability", &self.probability())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // 0.0 is exact: the probability is `max(0.0, ..)`
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn a_fresh_throttle_never_refuses() {
        let t = Throttle::new(2.0);
        assert_eq!(t.probability_at(S), 0.0);
        assert_eq!(t.admit_at(S, 0.0), Ok(()));
    }

    #[test]
    fn the_probability_is_the_sre_books() {
        let t = Throttle::new(2.0).window(S * 10);
        // 10 requests, 2 accepts: (10 - 4) / 11.
        for i in 0..10 {
            t.admit_at(S, 0.999).unwrap();
            if i < 2 {
                t.success_at(S);
            }
        }
        assert!((t.probability_at(S) - 6.0 / 11.0).abs() < 1e-12);
        // A draw below it refuses, and the refused request still counts: (11 - 4) / 12.
        assert_eq!(t.admit_at(S, 0.5), Err(Rejected::throttled()));
        assert!((t.probability_at(S) - 7.0 / 12.0).abs() < 1e-12);
        assert_eq!(t.admit_at(S, 0.6), Ok(()));
        // Half the requests accepted with K = 2: nothing is shed.
        for _ in 0..10 {
            t.success_at(S * 2);
        }
        assert_eq!(t.probability_at(S * 2), 0.0);
        // Everything leaves the window after it.
        assert_eq!(t.probability_at(S * 12), 0.0);
    }

    #[test]
    fn sheds_about_the_share_it_says() {
        let t = Throttle::new(2.0).window(S * 10);
        for _ in 0..1000 {
            let _ = t.admit_at(S, 0.999_999);
        }
        for _ in 0..100 {
            t.success_at(S);
        }
        // (1000 - 200) / 1001, near 0.8; the thread's random numbers shed about that share.
        let p = t.probability_at(S);
        let refused = (0..1000)
            .filter(|_| t.admit(nanos(S), true).is_err())
            .count();
        assert!((0.79..0.81).contains(&p), "{p}");
        assert!((700..950).contains(&refused), "{refused}");
    }

    #[test]
    #[should_panic(expected = "`k` must be a finite number of at least 1.0")]
    fn a_k_below_one_is_refused() {
        let _ = Throttle::new(0.9);
    }
}
