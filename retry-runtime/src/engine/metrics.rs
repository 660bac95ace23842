//! The `metrics` feature's series, through the `metrics` crate's facade (the application
//! installs the recorder: Prometheus, statsd, ...). Every series has the label `function`,
//! the fn's name or the call's `name`:
//!
//! - counter `retry_attempts_total`: every attempt made (a refused one is not), added as
//!   each call returns;
//! - counter `retry_calls_total`, label `result` = `success`, `success_after_retry` or
//!   `gave_up`, and for `gave_up` a label `reason` ([`StopReason::as_str`]);
//! - histogram `retry_attempts_per_call`: the attempts each call made.
//!
//! The facade builds a key for each series it is handed, and a key with a label that is
//! not a literal (`function`) is a heap allocation: so each call hands it its three series
//! once, as it returns, and its attempts are added to `retry_attempts_total` then (three
//! allocations a call, none per attempt). Without the feature the same functions exist and
//! do nothing, so no caller changes with it and nothing is paid.

use crate::hooks::StopReason;

#[cfg(feature = "metrics")]
mod enabled {
    use super::StopReason;

    /// A call of `function` returns a success after `attempts`.
    #[inline]
    pub(crate) fn succeeded(function: &'static str, attempts: u32) {
        let result = if attempts > 1 {
            "success_after_retry"
        } else {
            "success"
        };
        metrics::counter!("retry_calls_total", "function" => function, "result" => result)
            .increment(1);
        per_call(function, attempts);
    }

    /// A call of `function` gives up after `attempts`, for `reason`.
    pub(crate) fn gave_up(function: &'static str, attempts: u32, reason: StopReason) {
        metrics::counter!(
            "retry_calls_total",
            "function" => function,
            "result" => "gave_up",
            "reason" => reason.as_str(),
        )
        .increment(1);
        per_call(function, attempts);
    }

    /// The series of every call as it returns: its attempts.
    fn per_call(function: &'static str, attempts: u32) {
        if attempts > 0 {
            metrics::counter!("retry_attempts_total", "function" => function)
                .increment(attempts.into());
        }
        metrics::histogram!("retry_attempts_per_call", "function" => function)
            .record(f64::from(attempts));
    }
}

#[cfg(not(feature = "metrics"))]
mod enabled {
    use super::StopReason;

    #[inline]
    pub(crate) fn succeeded(_: &'static str, _: u32) {}

    #[inline]
    pub(crate) fn gave_up(_: &'static str, _: u32, _: StopReason) {}
}

pub(crate) use enabled::{gave_up, succeeded};
