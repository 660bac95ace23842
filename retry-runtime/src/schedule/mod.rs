//! How long to wait before each retry: the [`Policy`], the [`Backoff`] shapes, [`Jitter`],
//! and the cursor that steps them for a call and for the [`Delays`] iterators alike. Pure:
//! no clock, no sleeping, no state shared across calls.

mod backoff;
mod cursor;
mod delays;
mod jitter;
mod policy;

pub use backoff::Backoff;
pub(crate) use cursor::Cursor;
pub use delays::{Delays, JitteredDelays};
pub use jitter::Jitter;
pub(crate) use jitter::ThreadRandom;
pub use policy::Policy;
