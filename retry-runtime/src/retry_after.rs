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
