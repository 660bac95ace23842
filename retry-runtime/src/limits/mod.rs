//! Limits shared across calls, which the engine consults before each retry: the
//! [`RetryBudget`] today. A circuit breaker and a throttle go beside it, as fields of
//! [`Limits`], so that no signature between a door and the engine changes when they come.

mod budget;

use std::ops::Deref;
use std::sync::Arc;

pub use budget::RetryBudget;

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
/// else the policy's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Limits<'a> {
    budget: Option<&'a RetryBudget>,
}

impl<'a> Limits<'a> {
    /// No limit.
    #[cfg(test)]
    pub(crate) const NONE: Limits<'static> = Limits { budget: None };

    /// The limits of a call with this budget, if any.
    #[inline]
    pub(crate) const fn new(budget: Option<&'a RetryBudget>) -> Self {
        Limits { budget }
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

    /// A success that is returned: the budget gets its tokens back.
    #[inline]
    pub(crate) fn succeeded(self) {
        if let Some(budget) = self.budget {
            budget.record_success();
        }
    }
}
