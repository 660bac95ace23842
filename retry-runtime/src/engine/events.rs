//! The `tracing` events of a retried call, target `retry_runtime`. Without the `tracing`
//! feature the same functions exist and do nothing, so no caller changes with the feature.

use super::describe::Described;

/// Who is retrying and what failed, for the `tracing` events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event<'a> {
    /// The retried fn's name, or the front door's.
    pub(crate) function: &'static str,
    /// The failure, as the events show it.
    pub(crate) error: Described<'a>,
}

#[cfg(feature = "tracing")]
mod enabled {
    use std::time::Duration;

    use super::Event;
    use crate::hooks::StopReason;

    /// Whether a call should read the clock for the events' `elapsed`: only when a
    /// subscriber listens at `WARN` or finer.
    #[inline]
    pub(crate) fn read_the_clock() -> bool {
        tracing::level_enabled!(tracing::Level::WARN)
    }

    /// One event per retry, before its sleep.
    pub(crate) fn retrying(event: Event<'_>, attempt: u32, delay: Duration, elapsed: Duration) {
        tracing::warn!(
            target: "retry_runtime",
            function = event.function,
            attempt,
            delay = ?delay,
            elapsed = ?elapsed,
            error = %event.error,
            "retrying",
        );
    }

    /// One event per hedged attempt started.
    pub(crate) fn hedging(function: &'static str, attempt: u32, elapsed: Duration) {
        tracing::info!(
            target: "retry_runtime",
            function,
            attempt,
            elapsed = ?elapsed,
            "hedging",
        );
    }

    /// One event per attempt cut by `attempt_timeout`.
    pub(crate) fn timed_out(function: &'static str, attempt: u32, after: Duration) {
        tracing::warn!(
            target: "retry_runtime",
            function,
            attempt,
            after = ?after,
            "attempt timed out",
        );
    }

    /// One event per call that gives up: `ERROR`, or `DEBUG` when `when` declined the
    /// failure (the caller gets an answer that retrying could not change).
    pub(crate) fn giving_up(
        event: Event<'_>,
        attempts: u32,
        reason: StopReason,
        elapsed: Duration,
    ) {
        macro_rules! give_up {
            ($level:ident) => {
                tracing::$level!(
                    target: "retry_runtime",
                    function = event.function,
                    attempts,
                    reason = reason.as_str(),
                    elapsed = ?elapsed,
                    error = %event.error,
                    "giving up",
                )
            };
        }
        match reason {
            StopReason::NotRetryable => give_up!(debug),
            _ => give_up!(error),
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod enabled {
    use std::time::Duration;

    use super::Event;
    use crate::hooks::StopReason;

    #[inline]
    pub(crate) fn read_the_clock() -> bool {
        false
    }

    #[inline]
    pub(crate) fn timed_out(_: &'static str, _: u32, _: Duration) {}

    #[inline]
    pub(crate) fn hedging(_: &'static str, _: u32, _: Duration) {}

    #[inline]
    pub(crate) fn retrying(event: Event<'_>, _: u32, _: Duration, _: Duration) {
        let _ = (event.function, event.error);
    }

    #[inline]
    pub(crate) fn giving_up(event: Event<'_>, _: u32, _: StopReason, _: Duration) {
        let _ = (event.function, event.error);
    }
}

pub(crate) use enabled::{giving_up, hedging, read_the_clock, retrying, timed_out};
