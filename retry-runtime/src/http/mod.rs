//! HTTP for every door: [`retry_after`], the `Retry-After` header as a delay, and (with the
//! `http` types of the `tower` and `reqwest-middleware` features) which responses are worth
//! another attempt, which requests may be sent again, and how a body is sent again
//! ([`replay`]); with `tonic`, gRPC's rules ([`grpc`]).

use std::time::{Duration, SystemTime};

/// Parses an HTTP `Retry-After` header value into the delay it asks for, for `hint`.
///
/// Accepts both forms of RFC 9110: delay-seconds (`"120"`) and an HTTP-date
/// (`"Wed, 21 Oct 2026 07:28:00 GMT"`, also the obsolete RFC 850 and asctime forms). A date
/// in the past gives zero; a number too large for a `u64` of seconds, or anything else,
/// `None`.
///
/// The call does not sleep the hint as it is: the next delay is
/// `max(scheduled, min(hint, cap))`, with `cap` the `max_delay` or 60 s, so a server can
/// lengthen a delay up to the cap but never park its client, and `0` or a past date does not
/// skip the backoff (see "Server hints" in the crate docs).
///
/// ```
/// use retry_runtime::{retry, retry_after};
/// use std::time::Duration;
///
/// assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
/// assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO)); // past
/// assert_eq!(retry_after("soon"), None);
/// assert_eq!(retry_after("99999999999999999999999"), None); // overflows: no hint
///
/// #[derive(Debug)]
/// struct HttpError {
///     status: u16,
///     retry_after: Option<String>, // the header, as the server sent it
/// }
///
/// #[retry(
///     max = 5,
///     max_delay = "30s", // caps the server's hint too
///     when = |e| e.status == 429 || e.status == 503,
///     hint = |e| e.retry_after.as_deref().and_then(retry_after),
/// )]
/// fn call() -> Result<(), HttpError> {
///     # return Ok(());
///     todo!()
/// }
/// # call().unwrap();
/// ```
pub fn retry_after(value: &str) -> Option<Duration> {
    retry_after_at(value, SystemTime::now())
}

/// [`retry_after`] as of `now`, for deterministic tests.
///
/// ```
/// use retry_runtime::retry_after_at;
/// use std::time::{Duration, SystemTime};
///
/// let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// let later = "Sun, 06 Nov 1994 08:51:07 GMT";
/// assert_eq!(retry_after_at(later, now), Some(Duration::from_secs(90)));
/// # let _: SystemTime = now;
/// ```
pub fn retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: delay-seconds. One that overflows is no hint.
        return value.parse().ok().map(Duration::from_secs);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(feature = "tonic")]
pub(crate) mod grpc;
#[cfg(feature = "tower")]
pub(crate) mod replay;

#[cfg(all(feature = "reqwest-middleware", not(feature = "tower")))]
pub(crate) use requests::Class;
#[cfg(feature = "tower")]
pub use requests::{Class, Resendable};
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
pub(crate) use requests::{Resend, class};

/// What needs the `http` types (the `tower` and `reqwest-middleware` features): which
/// responses are worth another attempt, and which requests may be sent again. The tower
/// layer and the reqwest middleware both classify with [`class`].
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
#[cfg_attr(not(feature = "tower"), allow(unreachable_pub))]
mod requests {
    use std::time::Duration;

    use http::{HeaderMap, StatusCode};

    use super::retry_after;

    /// What a classifier makes of one result.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Class {
        /// A success: returned.
        Success,
        /// A failure worth another attempt, with the server's hint for the delay, if any.
        Retry(Option<Duration>),
        /// A failure that another attempt would not change: returned at once.
        Fail,
    }

    /// The HTTP rule of every door: a 5xx or a 429 is retried, with its `Retry-After` as
    /// the hint; any other response is returned as it is.
    pub(crate) fn class(status: StatusCode, headers: &HeaderMap) -> Class {
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Class::Retry(hint(headers))
        } else {
            Class::Success
        }
    }

    /// The server's hint in `headers`: their `Retry-After`, if it parses.
    pub(crate) fn hint(headers: &HeaderMap) -> Option<Duration> {
        headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(retry_after)
    }

    /// Whether a door sends one request again, decided before its first attempt: its method
    /// allows it (or the door retries all methods), and the policy allows another attempt.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Resend {
        resendable: bool,
        one_attempt: bool,
    }

    impl Resend {
        /// The rule for `request`, under a policy of `max_attempts`.
        pub(crate) fn of(request: &impl Resendable, all_methods: bool, max_attempts: u32) -> Self {
            Resend {
                resendable: all_methods || request.resendable(),
                one_attempt: max_attempts <= 1,
            }
        }

        /// Whether to keep a copy of the request before its first attempt sends it.
        pub(crate) fn keeps(self) -> bool {
            self.resendable && !self.one_attempt
        }

        /// Whether a retryable answer may be sent again, `copied` whether a copy for the next
        /// attempt was made (none is for one attempt: the engine then stops on its own).
        pub(crate) fn allows(self, copied: bool) -> bool {
            self.resendable && (copied || self.one_attempt)
        }
    }

    /// Whether a request may be sent again: the rule of every HTTP door, whichever classifier is
    /// used. An `http::Request` may when its method is idempotent (RFC 9110, 9.2.2); the
    /// scalar, string and container types of the standard library always may. For a request
    /// type of your own, `impl Resendable for MyRequest {}` says it always may, or give
    /// `resendable` a body.
    pub trait Resendable {
        /// Whether this request may be sent again after an answer that is retried.
        fn resendable(&self) -> bool {
            true
        }
    }

    impl<B> Resendable for http::Request<B> {
        fn resendable(&self) -> bool {
            self.method().is_idempotent()
        }
    }

    #[cfg(feature = "reqwest-middleware")]
    impl Resendable for reqwest::Request {
        fn resendable(&self) -> bool {
            self.method().is_idempotent()
        }
    }

    macro_rules! always_resendable {
        ($($ty:ty),* $(,)?) => {
            $(impl Resendable for $ty {})*
        };
    }

    always_resendable!(
        (),
        bool,
        char,
        u8,
        u16,
        u32,
        u64,
        u128,
        usize,
        i8,
        i16,
        i32,
        i64,
        i128,
        isize,
        String,
        &'static str,
    );

    impl<T> Resendable for Vec<T> {}
    impl<T: ?Sized> Resendable for Box<T> {}
    impl<T: ?Sized> Resendable for std::sync::Arc<T> {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> SystemTime {
        httpdate::parse_http_date(text).unwrap()
    }

    #[test]
    fn delay_seconds() {
        let now = SystemTime::now();
        assert_eq!(retry_after_at("0", now), Some(Duration::ZERO));
        assert_eq!(retry_after_at(" 30 ", now), Some(Duration::from_secs(30)));
        assert_eq!(
            retry_after_at("99999999999", now),
            Some(Duration::from_secs(99_999_999_999))
        );
        assert_eq!(retry_after_at("99999999999999999999999", now), None);
        for bad in ["", " ", "-1", "1.5", "+3", "3s", "0x10", "soon"] {
            assert_eq!(retry_after_at(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn http_dates_in_every_form() {
        let now = date("Sun, 06 Nov 1994 08:49:37 GMT");
        let in_90s = Some(Duration::from_secs(90));
        assert_eq!(retry_after_at("Sun, 06 Nov 1994 08:51:07 GMT", now), in_90s);
        assert_eq!(
            retry_after_at("Sunday, 06-Nov-94 08:51:07 GMT", now),
            in_90s
        );
        assert_eq!(retry_after_at("Sun Nov  6 08:51:07 1994", now), in_90s);
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:49:36 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after_at("Sun, 32 Nov 1994 08:49:37 GMT", now), None);
    }

    #[test]
    fn a_future_date_is_measured_from_now() {
        let later = SystemTime::now() + Duration::from_secs(3600);
        let delay = retry_after(&httpdate::fmt_http_date(later)).unwrap();
        assert!(delay > Duration::from_secs(3590) && delay <= Duration::from_secs(3600));
    }
}
