//! [`Rejected`]: the failure of a call whose first attempt a [`CircuitBreaker`] or a
//! [`Throttle`] refused, and [`RejectedOutcome`], how it becomes the call's outcome.
//!
//! [`CircuitBreaker`]: crate::CircuitBreaker
//! [`Throttle`]: crate::Throttle

use std::error::Error;
use std::fmt;
use std::time::Duration;

use super::Guards;
use crate::hooks::StopReason;
use crate::outcome::{ByFrom, Converted, Outcome};

/// An attempt a limit refused: the [`CircuitBreaker`](crate::CircuitBreaker) is open, or the
/// [`Throttle`](crate::Throttle) shed it. A call whose *first* attempt is refused returns
/// `Err(E::from(Rejected))` (`None` for an `Option`) without running its body; a call
/// refused later returns its last failure.
///
/// The `breaker` and `throttle` keys (and the builders' methods) need `E: From<Rejected>`;
/// `std::io::Error` (as `ErrorKind::ConnectionRefused`), `anyhow::Error` and
/// `Box<dyn Error + Send + Sync>` have it. For another crate's error, give the conversion
/// with the `rejected` key (`rejected = |r| E::from(std::io::Error::from(r))`) or
/// `.rejected(f)` on the builders.
///
/// ```
/// use retry_runtime::{CircuitBreaker, Rejected, StopReason, retry};
/// use std::time::Duration;
///
/// #[derive(Debug)]
/// enum Error {
///     Unavailable,
///     Rejected(Rejected),
/// }
///
/// impl From<Rejected> for Error {
///     fn from(rejected: Rejected) -> Self {
///         Error::Rejected(rejected)
///     }
/// }
///
/// static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(2);
///
/// #[retry(max = 2, base = "0s", breaker = &BREAKER)]
/// fn call() -> Result<(), Error> {
///     Err(Error::Unavailable)
/// }
///
/// assert!(matches!(call(), Err(Error::Unavailable))); // 2 failures of 2: it opens
/// match call() {
///     Err(Error::Rejected(rejected)) => {
///         assert_eq!(rejected.reason(), StopReason::CircuitOpen);
///         assert!(rejected.retry_after() <= Some(Duration::from_secs(5)));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rejected {
    reason: StopReason,
    retry_after: Option<Duration>,
}

impl Rejected {
    /// Refused by an open breaker, which half-opens after `retry_after` (`None`: it is
    /// half-open and its probe is running).
    pub(crate) const fn circuit_open(retry_after: Option<Duration>) -> Self {
        Rejected {
            reason: StopReason::CircuitOpen,
            retry_after,
        }
    }

    /// Refused for `reason` (`CircuitOpen` or `Throttled`), with no time to wait for.
    pub(crate) const fn refused(reason: StopReason) -> Self {
        Rejected {
            reason,
            retry_after: None,
        }
    }

    /// Shed by a throttle.
    pub(crate) const fn throttled() -> Self {
        Rejected {
            reason: StopReason::Throttled,
            retry_after: None,
        }
    }

    /// Which limit refused: [`StopReason::CircuitOpen`] or [`StopReason::Throttled`].
    ///
    /// ```
    /// use retry_runtime::{CircuitBreaker, StopReason};
    /// use std::time::Duration;
    ///
    /// let breaker = CircuitBreaker::new().minimum_throughput(1);
    /// breaker.failure_at(Duration::ZERO);
    /// let rejected = breaker.admit_at(Duration::from_secs(1)).unwrap_err();
    /// assert_eq!(rejected.reason(), StopReason::CircuitOpen);
    /// ```
    pub const fn reason(&self) -> StopReason {
        self.reason
    }

    /// How long until the limit may let an attempt through: for an open breaker, the time
    /// until it half-opens; `None` for a throttle, or a half-open breaker whose probe runs.
    ///
    /// ```
    /// use retry_runtime::CircuitBreaker;
    /// use std::time::Duration;
    ///
    /// let breaker = CircuitBreaker::new().minimum_throughput(1);
    /// breaker.failure_at(Duration::ZERO); // open for 5 s
    /// let rejected = breaker.admit_at(Duration::from_secs(2)).unwrap_err();
    /// assert_eq!(rejected.retry_after(), Some(Duration::from_secs(3)));
    /// ```
    pub const fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.reason, self.retry_after) {
            (StopReason::CircuitOpen, Some(after)) => write!(
                f,
                "the attempt was not made: the circuit breaker is open for another {after:?}"
            ),
            (StopReason::CircuitOpen, None) => f.write_str(
                "the attempt was not made: the circuit breaker is half-open and its probe is running",
            ),
            _ => f.write_str("the attempt was not made: the client-side throttle shed it"),
        }
    }
}

impl Error for Rejected {}

/// A refused attempt as the I/O error of kind
/// [`ErrorKind::ConnectionRefused`](std::io::ErrorKind::ConnectionRefused) (refused before
/// anything was sent), with the `Rejected` as its source.
///
/// ```
/// use retry_runtime::CircuitBreaker;
/// use std::time::Duration;
///
/// let breaker = CircuitBreaker::new().minimum_throughput(1);
/// breaker.failure_at(Duration::ZERO);
/// let error = std::io::Error::from(breaker.admit_at(Duration::ZERO).unwrap_err());
/// assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
/// ```
impl From<Rejected> for std::io::Error {
    fn from(rejected: Rejected) -> Self {
        std::io::Error::new(std::io::ErrorKind::ConnectionRefused, rejected)
    }
}

/// An [`Outcome`] that can stand for a call whose first attempt a limit refused:
/// `Err(E::from(..))` for `Result<T, E>` with `E: From<Rejected>`, `None` for `Option<T>`.
/// Implement it for an outcome type of your own to use it with `breaker` and `throttle`.
///
/// ```
/// use retry_runtime::{CircuitBreaker, RejectedOutcome};
/// use std::time::Duration;
///
/// let breaker = CircuitBreaker::new().minimum_throughput(1);
/// breaker.failure_at(Duration::ZERO);
/// let rejected = breaker.admit_at(Duration::ZERO).unwrap_err();
/// let outcome: Result<u8, std::io::Error> = RejectedOutcome::rejected(rejected);
/// assert!(outcome.is_err());
/// assert_eq!(Option::<u8>::rejected(rejected), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot stand for a call whose attempt a `breaker` or `throttle` refused",
    label = "a refused call must become this outcome",
    note = "for `Result<T, E>`, `E` needs `From<retry_runtime::Rejected>` (`std::io::Error`, `anyhow::Error` and `Box<dyn Error + Send + Sync>` have it): add a variant and `impl From<Rejected> for E`",
    note = "or, for another crate's error, give the conversion: `rejected = |r| E::from(std::io::Error::from(r))` (`.rejected(f)` on a builder)"
)]
pub trait RejectedOutcome: Outcome {
    /// The outcome of a call refused before its first attempt.
    fn rejected(rejected: Rejected) -> Self;
}

impl<T, E: From<Rejected>> RejectedOutcome for Result<T, E> {
    fn rejected(rejected: Rejected) -> Self {
        Err(E::from(rejected))
    }
}

impl<T> RejectedOutcome for Option<T> {
    fn rejected(_: Rejected) -> Self {
        None
    }
}

/// How the outcome of a call refused before its first attempt is made: [`ByFrom`] (the
/// outcome's [`RejectedOutcome`]), or [`Converted`], a conversion to the failure type given
/// with `rejected = f` (the attribute) or `.rejected(f)` (the builders) for a failure type
/// that cannot implement `From<Rejected>` (another crate's error). [`Unguarded`] is the
/// setting of a call without a breaker or a throttle, which nothing refuses.
pub trait Reject<R> {
    /// The outcome of a call `rejected` before its first attempt.
    fn reject(&self, rejected: Rejected) -> R;
}

impl<R: RejectedOutcome> Reject<R> for ByFrom {
    #[inline]
    fn reject(&self, rejected: Rejected) -> R {
        R::rejected(rejected)
    }
}

impl<T, E, F: Fn(Rejected) -> E> Reject<Result<T, E>> for Converted<F> {
    #[inline]
    fn reject(&self, rejected: Rejected) -> Result<T, E> {
        Err((self.0)(rejected))
    }
}

/// The refusal setting of a call with neither a breaker nor a throttle: nothing refuses it,
/// so it needs no conversion from [`Rejected`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Unguarded;

impl<R> Reject<R> for Unguarded {
    fn reject(&self, _: Rejected) -> R {
        unreachable!("a call without a breaker or a throttle is never refused")
    }
}

/// A call's refusal setting with a breaker or a throttle: the limits, and how a refused call
/// becomes the outcome (`C`: [`ByFrom`], or [`Converted`] with `rejected`).
#[derive(Debug, Clone, Copy)]
pub struct Guarded<'b, C> {
    pub(crate) guards: Guards<'b>,
    pub(crate) convert: C,
}

impl<R, C: Reject<R>> Reject<R> for Guarded<'_, C> {
    #[inline]
    fn reject(&self, rejected: Rejected) -> R {
        self.convert.reject(rejected)
    }
}

/// A refusal setting of the builders' keys: [`Unguarded`] (neither a breaker nor a throttle,
/// known at compile time, so that such a call pays nothing for them), [`Converted`]
/// (`rejected` given, no limit yet) or [`Guarded`].
pub trait Guard<'b> {
    /// How a refused call becomes the outcome once a limit is set.
    type Convert;
    /// This setting with `rejected = f`.
    type Converted<F>;
    /// This setting, ready for a limit.
    fn into_guarded(self) -> Guarded<'b, Self::Convert>;
    /// This setting with `rejected = convert`.
    fn converted<F>(self, convert: F) -> Self::Converted<F>;
    /// The breaker and the throttle, if any is set.
    fn guards(&self) -> Option<&Guards<'b>>;
}

impl<'b> Guard<'b> for Unguarded {
    type Convert = ByFrom;
    type Converted<F> = Converted<F>;

    #[inline]
    fn into_guarded(self) -> Guarded<'b, ByFrom> {
        Guarded {
            guards: Guards::NONE,
            convert: ByFrom,
        }
    }

    #[inline]
    fn converted<F>(self, convert: F) -> Converted<F> {
        Converted(convert)
    }

    #[inline]
    fn guards(&self) -> Option<&Guards<'b>> {
        None
    }
}

impl<'b, G> Guard<'b> for Converted<G> {
    type Convert = Converted<G>;
    type Converted<F> = Converted<F>;

    #[inline]
    fn into_guarded(self) -> Guarded<'b, Converted<G>> {
        Guarded {
            guards: Guards::NONE,
            convert: self,
        }
    }

    #[inline]
    fn converted<F>(self, convert: F) -> Converted<F> {
        Converted(convert)
    }

    #[inline]
    fn guards(&self) -> Option<&Guards<'b>> {
        None
    }
}

impl<'b, C> Guard<'b> for Guarded<'b, C> {
    type Convert = C;
    type Converted<F> = Guarded<'b, Converted<F>>;

    #[inline]
    fn into_guarded(self) -> Self {
        self
    }

    #[inline]
    fn converted<F>(self, convert: F) -> Guarded<'b, Converted<F>> {
        Guarded {
            guards: self.guards,
            convert: Converted(convert),
        }
    }

    #[inline]
    fn guards(&self) -> Option<&Guards<'b>> {
        self.guards.get()
    }
}
