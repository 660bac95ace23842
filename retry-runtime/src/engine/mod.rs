//! The engine of a retried call: its state ([`state`]: attempts, the place in the schedule,
//! the clock, the reason to stop), the one route into it ([`call`]: the state with its
//! policy, limits and name), the typed judgement of an outcome by the keys
//! ([`judgement`], [`keys`]), the `tracing` events and the `metrics` series. Every front
//! door and every way of running attempts drives it.

mod call;
mod describe;
pub(crate) mod events;
mod judgement;
mod keys;
pub(crate) mod metrics;
mod rules;
mod state;

pub(crate) use call::Call;
pub use describe::{Describe, DescribeDebug, DescribeDisplay, DescribeNothing, Described};
pub use judgement::Describer;
pub(crate) use judgement::{Judgement, on_give_up, on_retry, on_success};
pub use keys::{
    Always, ByRetryable, Classification, ClassifyOutcome, DescribeFailure, Hint, Never, NoHint,
    NoHook, OnGiveUp, OnRetry, OnSuccess, Predicate, Unclassified,
};
pub(crate) use rules::sealed::Sealed;
pub use rules::{Keys, Rules};
pub(crate) use rules::{admit, assess, judge, timed};
pub(crate) use state::{Engine, Verdict};
