//! [`Outcome`]: what a retried function returns, a success or a failure.

/// What a retried function returns: something that is either a success or a failure.
///
/// `#[retry]` and [`Policy::retry`](crate::Policy::retry) judge each attempt by its outcome:
/// a failure is retried (subject to `when`, the attempt limit, the deadline and the budget),
/// a success is returned (unless `when_ok` asks for another attempt).
///
/// It is implemented for [`Result<T, E>`] (an `Err` is a failure) and [`Option<T>`] (`None` is
/// a failure, with `()` as its failure value). Implement it for your own types to say which
/// values are failures:
///
/// ```
/// use retry_runtime::Outcome;
///
/// /// An HTTP-like status that is a failure when it is 5xx.
/// struct Status(u16);
///
/// impl Outcome for Status {
///     type Success = u16;
///     type Failure = u16;
///     fn failure(&self) -> Option<&u16> {
///         (self.0 >= 500).then_some(&self.0)
///     }
///     fn success(&self) -> Option<&u16> {
///         (self.0 < 500).then_some(&self.0)
///     }
/// }
///
/// assert_eq!(Status(503).failure(), Some(&503));
/// assert_eq!(Status(200).success(), Some(&200));
/// ```
///
/// An outcome for which both methods return `None` is treated as a success: it is returned
/// as it is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a retryable outcome: a `#[retry]` fn must return a type that implements `retry_runtime::Outcome`",
    label = "this type does not implement `Outcome`",
    note = "`Outcome` is implemented for `Result<T, E>` (`Err` is retried) and `Option<T>` (`None` is retried)",
    note = "for another type, implement `retry_runtime::Outcome` to say which values are failures"
)]
pub trait Outcome {
    /// The value of a successful outcome (`T` of `Result<T, E>` and `Option<T>`).
    type Success;
    /// The value of a failed outcome (`E` of `Result<T, E>`, `()` for `Option<T>`).
    type Failure;
    /// `Some` when this outcome is a failure.
    fn failure(&self) -> Option<&Self::Failure>;
    /// `Some` when this outcome is a success.
    fn success(&self) -> Option<&Self::Success>;
}

impl<T, E> Outcome for Result<T, E> {
    type Success = T;
    type Failure = E;

    #[inline]
    fn failure(&self) -> Option<&E> {
        self.as_ref().err()
    }

    #[inline]
    fn success(&self) -> Option<&T> {
        self.as_ref().ok()
    }
}

impl<T> Outcome for Option<T> {
    type Success = T;
    type Failure = ();

    #[inline]
    fn failure(&self) -> Option<&()> {
        match self {
            Some(_) => None,
            None => Some(&()),
        }
    }

    #[inline]
    fn success(&self) -> Option<&T> {
        self.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn result_err_is_the_failure() {
        let err: Result<u8, &str> = Err("boom");
        assert_eq!(err.failure(), Some(&"boom"));
        assert_eq!(err.success(), None);
        let ok: Result<u8, &str> = Ok(7);
        assert_eq!(ok.failure(), None);
        assert_eq!(ok.success(), Some(&7));
    }

    #[test]
    fn option_none_is_the_failure() {
        assert_eq!(None::<u8>.failure(), Some(&()));
        assert_eq!(None::<u8>.success(), None);
        assert_eq!(Some(3).failure(), None);
        assert_eq!(Some(3).success(), Some(&3));
    }
}

/// Makes the outcome of an attempt the library did not let run to its end with the
/// outcome's own conversion: [`TimeoutOutcome`](crate::TimeoutOutcome) for an attempt cut by
/// `attempt_timeout`, [`RejectedOutcome`](crate::RejectedOutcome) for a call a limit refused
/// (`Err(E::from(..))`, or `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ByFrom;

/// Makes those outcomes with a conversion to a `Result`'s failure type given by the user
/// (`Fn(TimedOut) -> E` with `timed_out`, `Fn(Rejected) -> E` with `rejected`), for a failure
/// type that cannot implement `From` (another crate's error).
#[derive(Debug, Clone, Copy)]
pub struct Converted<F>(pub F);
