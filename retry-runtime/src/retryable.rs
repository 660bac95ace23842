//! [`Retryable`]: a failure type's own say on whether it is worth another attempt, and when.
//! `#[derive(Retryable)]` writes it from one `#[retry(...)]` per variant; a `#[retry]` fn
//! whose failure type implements it, and that has neither `when` nor `hint`, uses it, and so
//! do the builders with [`.classified()`](crate::Retrying::classified).

use std::time::Duration;

/// Whether a failure is worth another attempt, and the delay its server asked for.
///
/// Derive it with `#[derive(Retryable)]`: each variant of an enum (or the struct itself)
/// carries one of
///
/// - `#[retry(transient)]`: retried; with `hint = field` (a field of type `Duration` or
///   `Option<Duration>`, by name, or by index in a tuple variant), that field is the
///   server's hint, under the rules of "Server hints" in the crate docs;
/// - `#[retry(permanent)]`: not retried;
/// - `#[retry(from)]`, on a variant with one field whose type is itself `Retryable`: that
///   field's answers;
/// - `#[retry(when = path)]`, on a variant with one field, `path: fn(&Field) -> bool`:
///   retried when `path` says so ([`classify::io`](crate::classify::io) for an
///   `io::Error`).
///
/// A variant with none of them is a compile error that names it, so a variant added later
/// is never retried, or not, by accident. `#[retry(crate = path)]` on the type itself says
/// where this crate is, for crates that re-export it.
///
/// ```
/// use retry_runtime::{Retryable, classify, retry};
/// use std::time::Duration;
///
/// #[derive(Debug, Retryable)]
/// enum ApiError {
///     #[retry(transient, hint = retry_after)]
///     Throttled { retry_after: Option<Duration> },
///     #[retry(transient)]
///     Unavailable,
///     #[retry(permanent)]
///     NotFound,
///     #[retry(when = classify::io)]
///     Io(std::io::Error),
/// }
///
/// assert!(ApiError::Unavailable.retryable());
/// assert!(!ApiError::NotFound.retryable());
/// let throttled = ApiError::Throttled { retry_after: Some(Duration::from_secs(2)) };
/// assert_eq!(throttled.hint(), Some(Duration::from_secs(2)));
/// let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
/// assert!(ApiError::Io(reset).retryable());
///
/// // No `when`, no `hint`: the fn retries what the type says to.
/// # let calls = std::cell::Cell::new(0);
/// #[retry(max = 5, base = "0s")]
/// fn get(calls: &std::cell::Cell<u32>) -> Result<(), ApiError> {
///     calls.set(calls.get() + 1);
///     Err(if calls.get() < 3 { ApiError::Unavailable } else { ApiError::NotFound })
/// }
/// assert!(matches!(get(&calls), Err(ApiError::NotFound)));
/// assert_eq!(calls.get(), 3); // two retries, then a permanent failure
/// ```
///
/// A generic fn whose failure type is a type parameter is not classified this way (the
/// expansion knows the type only where it is concrete): give it `when = |e| e.retryable()`.
pub trait Retryable {
    /// Whether this failure is worth another attempt.
    fn retryable(&self) -> bool;

    /// The delay the server asked for before the next attempt, if any.
    fn hint(&self) -> Option<Duration> {
        None
    }
}

impl<T: Retryable + ?Sized> Retryable for &T {
    fn retryable(&self) -> bool {
        (**self).retryable()
    }

    fn hint(&self) -> Option<Duration> {
        (**self).hint()
    }
}

impl<T: Retryable + ?Sized> Retryable for Box<T> {
    fn retryable(&self) -> bool {
        (**self).retryable()
    }

    fn hint(&self) -> Option<Duration> {
        (**self).hint()
    }
}

/// A field `hint = field` names: a `Duration` or an `Option<Duration>`.
#[diagnostic::on_unimplemented(
    message = "`hint = field` takes a field of type `Duration` or `Option<Duration>`, not `{Self}`",
    label = "not a `Duration` or an `Option<Duration>`"
)]
pub trait AsHint {
    /// The hint.
    fn as_hint(&self) -> Option<Duration>;
}

impl AsHint for Duration {
    #[inline]
    fn as_hint(&self) -> Option<Duration> {
        Some(*self)
    }
}

impl AsHint for Option<Duration> {
    #[inline]
    fn as_hint(&self) -> Option<Duration> {
        *self
    }
}

/// `when = path` of the derive: `judge` applied to the variant's one field (a call through a
/// fn, so that a closure's argument type is inferred and no lint fires in the user's crate).
#[inline]
pub fn judge_field<T: ?Sized>(judge: impl Fn(&T) -> bool, field: &T) -> bool {
    judge(field)
}
