#![doc = include_str!("lib.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// `$Struct` with `$field` set to `$value` (of another type, maybe) and the `$keep` fields
/// moved from `$from`: the body of a type-changing builder setter.
macro_rules! replace {
    ($Struct:ident, $from:ident, $field:ident: $value:expr; $($keep:ident),*) => {
        $Struct { $field: $value, $($keep: $from.$keep),* }
    };
}

mod attempts;
pub mod classify;
mod context;
mod doors;
mod engine;
mod grammar;
mod hooks;
mod http;
mod limits;
mod outcome;
mod retryable;
mod schedule;
pub mod testing;
mod time;

pub use doors::builder;
#[cfg(feature = "reqwest-middleware")]
pub use doors::reqwest;
#[cfg(feature = "tower")]
pub use doors::tower;

/// What `#[retry]` expands to. Not public API: names and signatures change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::__retry_describer as describer;

    /// The names of the expansion's locals, as fns that do nothing: the expansion imports
    /// them with a glob, which shadows the user's module-level items of the same names (a
    /// `const` or a unit struct), so that its `let`s can bind them.
    #[allow(missing_docs)]
    pub mod reserved {
        pub fn __retry_state() {}
        pub fn __retry_outcome() {}
        pub fn __retry_delay() {}
        pub fn __retry_hedging() {}
        pub fn __retry_policy() {}
        pub fn __retry_error() {}
        pub fn __retry_context() {}
        pub fn __retry_call() {}
        // The traits whose methods answer `ClassifyCheck` and `Describe` (in `judge!`), in
        // scope through the same glob, so that no fn needs a `use` of its own for them.
        pub use crate::doors::attribute::{ClassifyNothing as _, ClassifyRetryable as _};
        pub use crate::engine::{DescribeDebug as _, DescribeDisplay as _, DescribeNothing as _};
    }
    pub use crate::__retry_judge as judge;
    pub use crate::context::{Binding, CallId};
    pub use crate::doors::attribute::{
        CallState, CannotBeCut, ClassifyCheck, ClassifyNothing, ClassifyRetryable, CutByFrom,
        CutCheck, CutMissing, Hedged, Judge, Uncut, hedged,
    };
    pub use crate::engine::{
        Describe, DescribeDebug, DescribeDisplay, DescribeNothing, Described, Describer,
    };
    pub use crate::retryable::{AsHint, judge_field};
    pub use crate::time::{DefaultSleep, sleep, sleep_async};

    /// An async attempt: the body's `async` block, its output typed as the fn's return type
    /// `R` by this bound (written `attempt::<R, _>(async { .. })`), so that `?` and `return`
    /// in the body infer as they do in the fn.
    #[inline]
    pub fn attempt<R, F: ::core::future::Future<Output = R>>(attempt: F) -> F {
        attempt
    }

    /// The `timed_out` key's conversion, typed, so that its closure needs no annotation.
    #[inline]
    pub fn timed_out<E, F: Fn(crate::TimedOut) -> E>(convert: F) -> crate::Converted<F> {
        crate::Converted(convert)
    }

    /// The `rejected` key's conversion, typed, so that its closure needs no annotation.
    #[inline]
    pub fn rejected<E, F: Fn(crate::Rejected) -> E>(convert: F) -> crate::Converted<F> {
        crate::Converted(convert)
    }
}

pub use attempts::{Cut, TimedOut, TimeoutOutcome};
pub use context::Context;
pub use doors::builder::Retrying;
pub use doors::report::{Report, retry_call};
pub use engine::Described;
pub use hooks::{Attempt, GiveUp, StopReason, Succeeded};
pub use http::{retry_after, retry_after_at};
pub use limits::{
    BreakerState, CircuitBreaker, Rejected, RejectedOutcome, RetryBudget, Shared, Throttle,
};
pub use outcome::{ByFrom, Converted, Outcome};
pub use retryable::Retryable;
pub use schedule::{
    Backoff, Delays, Jitter, JitteredDelays, ParseDurationError, ParseNameError, Policy,
    parse_duration,
};
pub use time::AsyncSleep;

/// Retries a fallible `fn` or `async fn`. See the [crate documentation](crate) for the keys.
///
/// ```
/// use retry_runtime::retry;
///
/// #[retry(max = 3, base = "1ms", jitter = "full")]
/// fn call() -> Result<u8, String> {
///     Ok(1)
/// }
///
/// assert_eq!(call(), Ok(1));
/// ```
pub use retry_macro::retry;

/// Derives [`Retryable`](trait@Retryable): see the trait for the variant attributes.
pub use retry_macro::Retryable;
