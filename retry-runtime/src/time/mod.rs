//! Time: sleeping between attempts, the clock of deadlines, and the recorded sleeps of
//! [`testing`](crate::testing). Every other part may use it; it uses none of them.

mod clock;
pub(crate) mod recorded;
mod sleep;

pub(crate) use clock::{Clock, Timing, now};
pub(crate) use sleep::MaybeSleep;
pub use sleep::{AsyncSleep, DefaultSleep, sleep, sleep_async};
