//! Limits shared across calls, which the engine consults: the [`RetryBudget`] before each
//! retry, the [`CircuitBreaker`] and the [`Throttle`] before each attempt, the first
//! included. [`Limits`] is the one view of them the engine has.

mod breaker;
mod budget;
mod rejected;
mod throttle;
mod window;

use std::ops::Deref;
use std::sync::Arc;

pub use breaker::{BreakerState, CircuitBreaker};
pub use budget::RetryBudget;
pub use rejected::{Guard, Reject, Rejected, RejectedOutcome, Unguarded};
pub use throttle::Throttle;

use crate::time;

/// A limit shared by the calls of a long-lived front door (a tower layer): a `static`
/// (`&'static T`), or one made at run time in an [`Arc`] (one budget per host, say), which
/// needs no leak. Both convert with `.into()`, so a door's setter takes either.
///
/// ```
/// use retry_runtime::{RetryBudget, Shared};
/// use std::sync::Arc;
///
/// static GLOBAL: RetryBudget = RetryBudget::new(100, 0.1);
/// let per_host = Arc::new(RetryBudget::new(10, 0.1));
/// let limits: [Shared<RetryBudget>; 2] = [(&GLOBAL).into(), per_host.clone().into()];
/// assert_eq!(limits[1].max_tokens(), 10.0);
/// assert_eq!(Arc::strong_count(&per_host), 2);
/// ```
#[derive(Debug)]
pub enum Shared<T: 'static> {
    /// A limit that lives as long as the program, usually a `static`.
    Static(&'static T),
    /// A limit made at run time, shared by every clone of the door.
    Arc(Arc<T>),
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        match self {
            Shared::Static(limit) => Shared::Static(limit),
            Shared::Arc(limit) => Shared::Arc(Arc::clone(limit)),
        }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        match self {
            Shared::Static(limit) => limit,
            Shared::Arc(limit) => limit,
        }
    }
}

impl<T> From<&'static T> for Shared<T> {
    fn from(limit: &'static T) -> Self {
        Shared::Static(limit)
    }
}

impl<T> From<Arc<T>> for Shared<T> {
    fn from(limit: Arc<T>) -> Self {
        Shared::Arc(limit)
    }
}

/// The limits one call consults, resolved once per judgement by
/// [`Call::new`](crate::engine::Call::new): the budget given to the call (the `budget` key),
/// else the policy's, and the breaker and throttle given to it.
///
/// Public only as the return type of a sealed trait's method: not public API.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits<'a> {
    pub(crate) budget: Option<&'a RetryBudget>,
    pub(crate) breaker: Option<&'a CircuitBreaker>,
    pub(crate) throttle: Option<&'a Throttle>,
}

impl<'a> Limits<'a> {
    /// No limit.
    #[cfg(test)]
    pub(crate) const NONE: Limits<'static> = Limits {
        budget: None,
        breaker: None,
        throttle: None,
    };

    /// The limits of a call with this budget, if any, and no breaker or throttle.
    #[inline]
    pub(crate) const fn new(budget: Option<&'a RetryBudget>) -> Self {
        Limits {
            budget,
            breaker: None,
            throttle: None,
        }
    }

    /// Whether a breaker or a throttle is set: the attempts are admitted and counted.
    #[inline]
    pub(crate) fn guarded(self) -> bool {
        self.breaker.is_some() || self.throttle.is_some()
    }

    /// Asks the breaker and the throttle to let one more attempt be made. An open breaker
    /// refuses before the throttle counts the attempt; the breaker's probe is taken last, so
    /// that a throttle's refusal cannot leave a probe that never runs.
    #[inline]
    pub(crate) fn admit(self) -> Result<(), Rejected> {
        if !self.guarded() {
            return Ok(());
        }
        self.admit_guarded(time::now())
    }

    #[cold]
    fn admit_guarded(self, now: u64) -> Result<(), Rejected> {
        if let Some(refused) = self.breaker.and_then(|breaker| breaker.refuses(now)) {
            return Err(refused);
        }
        if let Some(throttle) = self.throttle {
            throttle.admit(now)?;
        }
        match self.breaker {
            Some(breaker) => breaker.admit(now),
            None => Ok(()),
        }
    }

    /// An attempt made without asking (tower sends each request's first attempt itself):
    /// the throttle counts it as a request all the same.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn made_unasked(self) {
        if let Some(throttle) = self.throttle {
            throttle.request(time::now());
        }
    }

    /// Counts one attempt's outcome with the breaker and the throttle: `success` for an
    /// answer (a success, or a failure `when` declined), else a failure.
    #[inline]
    pub(crate) fn count(self, success: bool) {
        if self.guarded() {
            self.count_guarded(success);
        }
    }

    #[cold]
    fn count_guarded(self, success: bool) {
        let now = time::now();
        if let Some(breaker) = self.breaker {
            breaker.record(now, success);
        }
        if let Some(throttle) = self.throttle {
            throttle.record(now, success);
        }
    }

    /// A retryable outcome: takes its token (the last attempt's included, as in gRPC) and
    /// says whether a retry is allowed.
    #[inline]
    pub(crate) fn allow_retry(self) -> bool {
        self.budget.is_none_or(RetryBudget::record_failure)
    }

    /// Another hedged attempt: takes a token only if it is allowed.
    #[inline]
    pub(crate) fn allow_hedge(self) -> bool {
        self.budget.is_none_or(RetryBudget::try_acquire)
    }

    /// A success that is returned: the budget gets its tokens back, the breaker and the
    /// throttle count it.
    #[inline]
    pub(crate) fn succeeded(self) {
        if let Some(budget) = self.budget {
            budget.record_success();
        }
        self.count(true);
    }
}
