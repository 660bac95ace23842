//! How long to wait before each retry: the [`Policy`], the [`Backoff`] shapes, [`Jitter`],
//! and the cursor that steps them for a call and for the [`Delays`] iterators alike. Pure:
//! no clock, no sleeping, no state shared across calls.

mod backoff;
#[cfg(feature = "serde")]
mod config;
mod cursor;
mod delays;
mod jitter;
mod policy;
mod text;

pub use backoff::Backoff;
pub(crate) use cursor::Cursor;
pub use delays::{Delays, JitteredDelays};
pub use jitter::Jitter;
pub(crate) use jitter::ThreadRandom;
pub use policy::Policy;
pub use text::{ParseDurationError, ParseNameError, parse_duration};
