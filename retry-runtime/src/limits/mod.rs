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
pub use rejected::{Guard, Guarded, Reject, Rejected, RejectedOutcome, Unguarded};
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
/// else the policy's, and the breaker and throttle given to it. Two words, passed in
/// registers: a call without a breaker or a throttle tests one of them for `None`.
///
/// Public only as the return type of a sealed trait's method: not public API.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits<'a> {
    pub(crate) budget: Option<&'a RetryBudget>,
    pub(crate) guards: Option<&'a Guards<'a>>,
}

/// The limits that refuse attempts, as one call is given them. Not public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Guards<'a> {
    pub(crate) breaker: Option<&'a CircuitBreaker>,
    pub(crate) throttle: Option<&'a Throttle>,
}

impl<'a> Guards<'a> {
    /// No breaker and no throttle.
    pub(crate) const NONE: Guards<'static> = Guards {
        breaker: None,
        throttle: None,
    };

    /// `self` as a call's limits see it: `None` when neither is set.
    #[inline]
    pub(crate) fn get(&self) -> Option<&Guards<'a>> {
        (self.breaker.is_some() || self.throttle.is_some()).then_some(self)
    }

    /// Asks them to let one more attempt be made at `now` (`counted`: the throttle counts
    /// it now, else when it is made). An open breaker refuses before the throttle counts the
    /// attempt; the breaker's probe is taken last, so that a throttle's refusal cannot leave
    /// a probe that never runs.
    fn admit(&self, now: u64, counted: bool) -> Result<(), Rejected> {
        if let Some(refused) = self.breaker.and_then(|breaker| breaker.refuses(now)) {
            return Err(refused);
        }
        if let Some(throttle) = self.throttle {
            throttle.admit(now, counted)?;
        }
        match self.breaker {
            Some(breaker) => breaker.admit(now),
            None => Ok(()),
        }
    }

    /// Counts an outcome at `now`.
    fn count(&self, now: u64, success: bool) {
        if let Some(breaker) = self.breaker {
            breaker.record(now, success);
        }
        if let Some(throttle) = self.throttle {
            throttle.record(now, success);
        }
    }
}

/// A call's breaker and throttle as a type: [`Unguarded`] for a call that has neither,
/// known at compile time so that it pays nothing for them, or [`Guards`]. Not public API.
#[doc(hidden)]
pub trait Guarding<'a> {
    /// The guards, if the call has any.
    fn guards(&self) -> Option<&Guards<'a>>;
    /// The guards, to set one.
    fn into_guards(self) -> Guards<'a>;
}

impl<'a> Guarding<'a> for Unguarded {
    #[inline]
    fn guards(&self) -> Option<&Guards<'a>> {
        None
    }

    #[inline]
    fn into_guards(self) -> Guards<'a> {
        Guards::NONE
    }
}

impl<'a> Guarding<'a> for Guards<'a> {
    #[inline]
    fn guards(&self) -> Option<&Guards<'a>> {
        self.get()
    }

    #[inline]
    fn into_guards(self) -> Guards<'a> {
        self
    }
}

#[cfg(test)]
impl<'a> Limits<'a> {
    /// The limits of a call with this budget, if any, and no breaker or throttle.
    pub(crate) const fn new(budget: Option<&'a RetryBudget>) -> Self {
        Limits {
            budget,
            guards: None,
        }
    }
}

impl Limits<'_> {
    /// No limit.
    #[cfg(test)]
    pub(crate) const NONE: Limits<'static> = Limits {
        budget: None,
        guards: None,
    };

    /// Whether an open breaker would refuse an attempt now, without asking the others.
    #[inline]
    pub(crate) fn circuit_open(self) -> Option<Rejected> {
        let breaker = self.guards?.breaker?;
        breaker.refuses(time::now())
    }

    /// Asks the breaker and the throttle to let one more attempt be made.
    #[inline]
    pub(crate) fn admit(self) -> Result<(), Rejected> {
        match self.guards {
            None => Ok(()),
            Some(guards) => admit(guards),
        }
    }

    /// [`admit`](Limits::admit) for an attempt the throttle counts when it is made, with
    /// [`made_unasked`](Limits::made_unasked) (tower's first attempts): only a refusal is
    /// counted now.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn admit_uncounted(self) -> Result<(), Rejected> {
        match self.guards {
            None => Ok(()),
            Some(guards) => guards.admit(time::now(), false),
        }
    }

    /// An attempt made without asking (tower sends each request's first attempt itself):
    /// the throttle counts it as a request all the same.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn made_unasked(self) {
        if let Some(throttle) = self.guards.and_then(|guards| guards.throttle) {
            throttle.request(time::now());
        }
    }

    /// Counts one attempt's outcome with the breaker and the throttle: `success` for an
    /// answer (a success, or a failure `when` declined), else a failure.
    #[inline]
    pub(crate) fn count(self, success: bool) {
        if let Some(guards) = self.guards {
            count(guards, success);
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

/// [`Limits::admit`] with guards: out of line, so that a call without them stays short.
#[cold]
fn admit(guards: &Guards<'_>) -> Result<(), Rejected> {
    guards.admit(time::now(), true)
}

/// [`Limits::count`] with guards.
#[cold]
fn count(guards: &Guards<'_>, success: bool) {
    guards.count(time::now(), success);
}

/// The limits of a tower policy or a reqwest middleware, each a `static` or an `Arc` that
/// every request shares.
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
#[derive(Debug, Clone, Default)]
pub(crate) struct Owned {
    pub(crate) budget: Option<Shared<RetryBudget>>,
    pub(crate) breaker: Option<Shared<CircuitBreaker>>,
    pub(crate) throttle: Option<Shared<Throttle>>,
}

#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
impl Owned {
    /// The breaker and the throttle, as the engine takes them.
    pub(crate) fn guards(&self) -> Guards<'_> {
        Guards {
            breaker: self.breaker.as_deref(),
            throttle: self.throttle.as_deref(),
        }
    }
}
