//! The clock of a call's `deadline` and `elapsed`: the one its sleeps advance, with the
//! recorded sleeps of [`testing`](crate::testing) counted as time that has passed.

use std::time::Duration;

use super::recorded;

/// Which clock a call reads for `deadline` and `elapsed`: the one its sleeps advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timing {
    /// A sync call sleeps the thread: the system's monotonic clock, even inside a paused
    /// tokio runtime.
    Sync,
    /// An async call: tokio's clock with the `tokio` feature (so `tokio::time::pause()`
    /// governs deadlines as it governs the sleeps; outside a paused runtime it is the
    /// system's), the system's without it.
    Async,
}

/// The system's monotonic clock; on wasm32-unknown-unknown, where the standard library has
/// no clock, `performance.now()`.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
use web_time::Instant;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
use std::time::Instant;

/// The clock of async calls: tokio's with the `tokio` feature, the system's without it.
#[cfg(all(
    feature = "tokio",
    not(all(target_arch = "wasm32", target_os = "unknown"))
))]
use tokio::time::Instant as RuntimeInstant;

#[cfg(not(all(
    feature = "tokio",
    not(all(target_arch = "wasm32", target_os = "unknown"))
)))]
use Instant as RuntimeInstant;

/// When a call started, on its clock and on the clock of recorded sleeps.
#[derive(Debug)]
pub(crate) struct Clock {
    start: Start,
    /// Recorded sleeps (see `testing`) at the start, which count as elapsed time, in
    /// nanoseconds (saturating after 584 years of them: 8 bytes less in every async fn).
    skipped: u64,
}

/// The start of a call, on the clock it reads.
#[derive(Debug, Clone, Copy)]
enum Start {
    System(Instant),
    Runtime(RuntimeInstant),
}

impl Clock {
    pub(crate) fn start(timing: Timing) -> Self {
        let skipped = recorded::skipped().as_nanos();
        let start = match timing {
            Timing::Sync => Start::System(Instant::now()),
            Timing::Async => Start::Runtime(RuntimeInstant::now()),
        };
        Clock {
            start,
            skipped: u64::try_from(skipped).unwrap_or(u64::MAX),
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        let skipped = recorded::skipped().saturating_sub(Duration::from_nanos(self.skipped));
        // Without the `tokio` feature both clocks are the system's: the arms read alike.
        #[allow(clippy::match_same_arms)]
        let elapsed = match self.start {
            Start::System(start) => start.elapsed(),
            Start::Runtime(start) => start.elapsed(),
        };
        elapsed.saturating_add(skipped)
    }
}

/// The time on the clock of the limits shared across calls (circuit breakers, throttles):
/// nanoseconds since the first reading in this process, on the runtime's clock (tokio's
/// with the `tokio` feature, so `tokio::time::pause()` governs the limits as it governs the
/// sleeps). Recorded sleeps do not advance it: a limit shared by many calls cannot follow
/// one thread's recording.
pub(crate) fn now() -> u64 {
    static ORIGIN: std::sync::OnceLock<RuntimeInstant> = std::sync::OnceLock::new();
    // A day before the first reading: a paused tokio runtime made earlier than that reading
    // (another test's) reads a clock behind it, and must not be cut to zero by the
    // saturation below, which would shorten its durations.
    let origin = *ORIGIN.get_or_init(|| {
        let first = RuntimeInstant::now();
        first
            .checked_sub(Duration::from_secs(86_400))
            .unwrap_or(first)
    });
    let since = RuntimeInstant::now().saturating_duration_since(origin);
    // Zero is kept for "never": the clock starts at one nanosecond.
    u64::try_from(since.as_nanos())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}
