//! The engine of a retried call: its state ([`call`]: attempts, the place in the schedule,
//! the clock, the limits, the reason to stop), the typed judgement of an outcome by the keys
//! ([`judgement`], [`keys`]), and the `tracing` events. Every front door and every way of
//! running attempts drives it.

mod call;
mod describe;
pub(crate) mod events;
mod judgement;
mod keys;
mod rules;

pub(crate) use call::{Call, Engine, Verdict};
pub use describe::{Describe, DescribeDebug, DescribeDisplay, DescribeNothing, Described};
pub use judgement::Describer;
pub(crate) use judgement::{Judgement, on_give_up, on_retry};
pub use keys::{Always, Hint, Never, NoHint, NoHook, OnGiveUp, OnRetry, Predicate};
pub use rules::{Keys, Rules};
pub(crate) use rules::{assess, judge, timed};
