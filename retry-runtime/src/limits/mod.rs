//! Limits shared across calls, which the engine consults before each retry: the
//! [`RetryBudget`] today. A circuit breaker and a throttle go beside it, as fields of
//! [`Limits`], so that no signature between a door and the engine changes when they come.

mod budget;

pub use budget::RetryBudget;

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
