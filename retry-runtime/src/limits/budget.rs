//! [`RetryBudget`]: retry throttling shared by many calls, as gRPC does it (gRFC A6).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// A retry budget shared by many calls: retry throttling as gRPC does it (gRFC A6).
///
/// Tokens start at `max_tokens`. Every attempt that would be retried takes one token, and
/// every success gives back `token_ratio` (never above `max_tokens`). A retry is allowed
/// only while, after taking its token, more than `max_tokens / 2` tokens are left. The first
/// attempt of a call is never refused: when the service keeps failing, the fleet falls back
/// to about one attempt per call instead of multiplying the load by `max`.
///
/// It is lock-free (one atomic counter, in thousandths of a token as gRPC keeps it), `Sync`,
/// and `const`-constructible, so a `static` can be shared by any number of functions and
/// threads:
///
/// ```
/// use retry_runtime::{RetryBudget, retry, testing};
///
/// static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);
///
/// #[retry(max = 3, base = "10ms", budget = &BUDGET)]
/// fn dead_service() -> Result<(), &'static str> {
///     Err("503")
/// }
///
/// let (_, delays) = testing::record(|| {
///     for _ in 0..100 {
///         let _ = dead_service();
///     }
/// });
/// // 3 attempts for the first call, 2 for the second, then no more retries: 103 attempts
/// // in all instead of 300.
/// assert_eq!(delays.len(), 3);
/// assert_eq!(BUDGET.tokens(), 0.0);
/// ```
///
/// The same budget works with [`Policy::budget`](crate::Policy::budget). A failure that
/// `when` declines to retry neither takes nor gives tokens.
pub struct RetryBudget {
    max_milli: u64,
    ratio_milli: u64,
    milli_tokens: AtomicU64,
}

impl RetryBudget {
    /// A full budget of `max_tokens` tokens, given back at `token_ratio` tokens per success.
    ///
    /// gRFC A6's ranges are the only ones accepted: `1 <= max_tokens <= 1000` and a finite
    /// `token_ratio > 0`, kept to three decimal places like gRPC (so at least `0.001`).
    /// Anything else panics with a message naming the argument, which in a `static` or a
    /// `const` is a compile error: a budget with a ratio of 0 or NaN would never refill after
    /// its first outage, and one of 0 tokens would refuse every retry forever.
    ///
    /// As in gRPC, a retry needs more than `max_tokens / 2` tokens left after taking its
    /// own, so a budget of 1 or 2 tokens never allows a retry (it still counts, and hedges
    /// and retries are refused): 3 is the smallest budget that retries at all.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// static BUDGET: RetryBudget = RetryBudget::new(100, 0.1);
    /// assert_eq!(BUDGET.tokens(), 100.0);
    /// assert!(!RetryBudget::new(2, 0.1).record_failure()); // under 3 tokens: no retry
    /// assert!(RetryBudget::new(3, 0.1).record_failure());
    /// ```
    ///
    /// ```compile_fail
    /// use retry_runtime::RetryBudget;
    ///
    /// // A ratio of 0 never gives a token back: this does not compile.
    /// static BUDGET: RetryBudget = RetryBudget::new(10, 0.0);
    /// ```
    ///
    /// # Panics
    ///
    /// When `max_tokens` is 0 or above 1000, or `token_ratio` is not a finite number of at
    /// least 0.001.
    pub const fn new(max_tokens: u32, token_ratio: f64) -> Self {
        assert!(
            max_tokens >= 1 && max_tokens <= 1000,
            "RetryBudget::new: `max_tokens` must be from 1 to 1000 (gRFC A6)"
        );
        assert!(
            token_ratio.is_finite() && token_ratio >= 0.0005,
            "RetryBudget::new: `token_ratio` must be a finite number of at least 0.001 (gRFC A6)"
        );
        let max_milli = max_tokens as u64 * 1000;
        // In range: at most 1000 tokens a success, at least one thousandth.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let ratio_milli = (token_ratio * 1000.0 + 0.5) as u64;
        RetryBudget {
            max_milli,
            ratio_milli,
            milli_tokens: AtomicU64::new(max_milli),
        }
    }

    /// The tokens left.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// let budget = RetryBudget::new(10, 0.5);
    /// budget.record_failure();
    /// budget.record_success();
    /// assert_eq!(budget.tokens(), 9.5);
    /// ```
    pub fn tokens(&self) -> f64 {
        milli_to_tokens(self.milli_tokens.load(Ordering::Relaxed))
    }

    /// The tokens a full budget holds.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// assert_eq!(RetryBudget::new(10, 0.1).max_tokens(), 10.0);
    /// ```
    pub fn max_tokens(&self) -> f64 {
        milli_to_tokens(self.max_milli)
    }

    /// Whether a retry would be allowed now, without taking a token.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// let budget = RetryBudget::new(2, 0.1);
    /// assert!(budget.can_retry()); // 2 > 1
    /// budget.record_failure();
    /// assert!(!budget.can_retry()); // 1 is not above 1
    /// ```
    pub fn can_retry(&self) -> bool {
        self.milli_tokens.load(Ordering::Relaxed) > self.max_milli / 2
    }

    /// Records an attempt that would be retried: takes one token (never going below zero)
    /// and returns whether the retry is allowed.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// let budget = RetryBudget::new(4, 0.1);
    /// assert!(budget.record_failure()); // 3 left, above 2
    /// assert!(!budget.record_failure()); // 2 left: no retry
    /// ```
    pub fn record_failure(&self) -> bool {
        let update = |milli: u64| Some(milli.saturating_sub(1000));
        // The closure always returns `Some`, so this is always `Ok`.
        let previous =
            match self
                .milli_tokens
                .fetch_update(Ordering::AcqRel, Ordering::Relaxed, update)
            {
                Ok(previous) | Err(previous) => previous,
            };
        previous.saturating_sub(1000) > self.max_milli / 2
    }

    /// Takes one token only if the retry it pays for is allowed (more than `max_tokens / 2`
    /// left after taking it), and returns whether it was: what a hedged attempt does before
    /// it starts. Unlike [`record_failure`](RetryBudget::record_failure), a refusal takes
    /// nothing: a hedge not sent adds no load.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// let budget = RetryBudget::new(4, 0.1);
    /// assert!(budget.try_acquire()); // 3 left, above 2
    /// assert!(!budget.try_acquire()); // 2 would be left: refused
    /// assert_eq!(budget.tokens(), 3.0);
    /// ```
    pub fn try_acquire(&self) -> bool {
        let half = self.max_milli / 2;
        let update = |milli: u64| (milli.saturating_sub(1000) > half).then(|| milli - 1000);
        self.milli_tokens
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, update)
            .is_ok()
    }

    /// Records a success: gives back `token_ratio` tokens, up to the maximum.
    ///
    /// ```
    /// use retry_runtime::RetryBudget;
    ///
    /// let budget = RetryBudget::new(4, 1.5);
    /// budget.record_failure();
    /// budget.record_success();
    /// assert_eq!(budget.tokens(), 4.0); // never above the maximum
    /// ```
    pub fn record_success(&self) {
        if self.ratio_milli == 0 {
            return;
        }
        let max = self.max_milli;
        let update =
            |milli: u64| (milli < max).then(|| milli.saturating_add(self.ratio_milli).min(max));
        let _ = self
            .milli_tokens
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, update);
    }
}

#[allow(clippy::cast_precision_loss)]
fn milli_to_tokens(milli: u64) -> f64 {
    milli as f64 / 1000.0
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("tokens", &self.tokens())
            .field("max_tokens", &self.max_tokens())
            .field("token_ratio", &milli_to_tokens(self.ratio_milli))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::RetryBudget;

    #[test]
    fn follows_the_grpc_example() {
        // gRPC's own test: max 4 tokens (threshold 2), ratio 1.6.
        let budget = RetryBudget::new(4, 1.6);
        assert!(budget.record_failure()); // 3 > 2
        budget.record_success(); // 4.6, capped at 4
        assert!((budget.tokens() - 4.0).abs() < 1e-9);
        assert!(budget.record_failure()); // 3
        assert!(!budget.record_failure()); // 2: at the threshold, no retry
        budget.record_success(); // 3.6
        assert!(budget.can_retry());
        assert!(budget.record_failure()); // 2.6 > 2
    }

    #[test]
    fn never_goes_below_zero_or_above_max() {
        let budget = RetryBudget::new(2, 0.5);
        for _ in 0..10 {
            assert!(!budget.record_failure() || budget.tokens() > 1.0);
        }
        assert!(budget.tokens().abs() < 1e-9);
        for _ in 0..100 {
            budget.record_success();
        }
        assert!((budget.tokens() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn ratio_is_kept_to_three_decimals() {
        let budget = RetryBudget::new(10, 0.1234);
        budget.record_failure();
        budget.record_success();
        assert!((budget.tokens() - 9.123).abs() < 1e-9);
        let smallest = RetryBudget::new(1000, 0.001);
        smallest.record_failure();
        smallest.record_success();
        assert!((smallest.tokens() - 999.001).abs() < 1e-9);
    }

    /// The message of the panic `RetryBudget::new(max_tokens, token_ratio)` makes, if any.
    fn refused(max_tokens: u32, token_ratio: f64) -> Option<String> {
        let built = std::panic::catch_unwind(|| RetryBudget::new(max_tokens, token_ratio));
        let payload = built.err()?;
        let message = payload.downcast_ref::<&str>().map(ToString::to_string);
        message.or_else(|| payload.downcast_ref::<String>().cloned())
    }

    #[test]
    fn only_the_ranges_of_grfc_a6_are_accepted() {
        for max_tokens in [0, 1001, u32::MAX] {
            let message = refused(max_tokens, 0.1).expect("refused");
            assert!(
                message.contains("`max_tokens` must be from 1 to 1000"),
                "{message}"
            );
        }
        for ratio in [
            0.0,
            -0.1,
            0.0004,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let message = refused(10, ratio).expect("refused");
            assert!(
                message.contains("`token_ratio` must be a finite number"),
                "{message}"
            );
        }
        for (max_tokens, ratio) in [(1, 0.001), (1000, 1000.0), (3, 0.1)] {
            assert_eq!(refused(max_tokens, ratio), None);
        }
    }

    #[test]
    fn under_three_tokens_no_retry_is_ever_allowed() {
        for max_tokens in [1, 2] {
            let budget = RetryBudget::new(max_tokens, 1.0);
            assert!(!budget.try_acquire(), "{max_tokens}");
            assert!(!budget.record_failure(), "{max_tokens}");
        }
        assert!(RetryBudget::new(3, 1.0).record_failure());
    }
}
