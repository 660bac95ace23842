//! gRPC's retry rules (gRFC A6) read off a response's headers: its status, the server's
//! pushback, and the header each retry carries.

use std::time::Duration;

use http::{HeaderMap, HeaderValue, StatusCode};

use super::Class;

/// The header a server sends to say when to come back, in milliseconds.
pub(crate) const PUSHBACK: &str = "grpc-retry-pushback-ms";
/// The header each retry carries: the number of attempts before it.
pub(crate) const PREVIOUS_ATTEMPTS: &str = "grpc-previous-rpc-attempts";

/// gRPC's `UNKNOWN` status code.
const UNKNOWN: u32 = 2;
/// gRPC's `UNAVAILABLE` status code.
pub(crate) const UNAVAILABLE: u32 = 14;

/// The class of a response with `status` and `headers`, `retryable` the set of retryable
/// codes (bit `c` for code `c`).
///
/// A trailers-only response (`grpc-status` in the headers) with a retryable code is
/// retried, with the pushback as the hint; a negative or malformed pushback means do not
/// retry. Without `grpc-status`, a response that is not a 200 is classified by its HTTP
/// status as gRPC maps it (429, 502, 503 and 504 are `UNAVAILABLE`). Any other response has
/// started: its headers commit the call.
pub(crate) fn class(status: StatusCode, headers: &HeaderMap, retryable: u32) -> Class {
    let code = match headers.get("grpc-status") {
        Some(value) => parse(value)
            .and_then(|code| u32::try_from(code).ok())
            .unwrap_or(UNKNOWN),
        None if status == StatusCode::OK => return Class::Success,
        None => from_http(status),
    };
    if code == 0 {
        return Class::Success;
    }
    if code >= u32::BITS || retryable & (1 << code) == 0 {
        return Class::Fail;
    }
    match headers.get(PUSHBACK) {
        None => Class::Retry(None),
        Some(value) => match parse(value) {
            Some(millis) => Class::Retry(Some(Duration::from_millis(millis))),
            // Negative or malformed: the server says not to retry.
            None => Class::Fail,
        },
    }
}

/// gRPC's status codes by number.
static NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// The name of a trailers-only response's `grpc-status` (`UNAVAILABLE`; `UNKNOWN` for a
/// code gRPC does not name), as the events show it; `None` without one.
pub(crate) fn status_name(headers: &HeaderMap) -> Option<&'static &'static str> {
    let value = headers.get("grpc-status")?;
    let name = parse(value)
        .and_then(|code| usize::try_from(code).ok())
        .and_then(|code| NAMES.get(code));
    Some(name.unwrap_or(&NAMES[UNKNOWN as usize]))
}

/// A header's value as a non-negative decimal integer.
fn parse(value: &HeaderValue) -> Option<u64> {
    let text = value.to_str().ok()?.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The gRPC code of an HTTP status with no `grpc-status` (gRPC's "HTTP to gRPC Status Code
/// Mapping").
fn from_http(status: StatusCode) -> u32 {
    match status.as_u16() {
        400 => 13,                      // INTERNAL
        401 => 16,                      // UNAUTHENTICATED
        403 => 7,                       // PERMISSION_DENIED
        404 => 12,                      // UNIMPLEMENTED
        429 | 502..=504 => UNAVAILABLE, // UNAVAILABLE
        _ => UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn statuses_are_named_as_grpc_names_them() {
        let named = |pairs: &[(&'static str, &'static str)]| status_name(&headers(pairs)).copied();
        assert_eq!(named(&[("grpc-status", "14")]), Some("UNAVAILABLE"));
        assert_eq!(named(&[("grpc-status", "16")]), Some("UNAUTHENTICATED"));
        assert_eq!(named(&[("grpc-status", "99")]), Some("UNKNOWN"));
        assert_eq!(named(&[("grpc-status", "x")]), Some("UNKNOWN"));
        assert_eq!(named(&[]), None);
    }

    const DEFAULT: u32 = 1 << UNAVAILABLE;

    #[test]
    fn trailers_only_statuses() {
        let ok = StatusCode::OK;
        let class = |pairs| class(ok, &headers(pairs), DEFAULT);
        assert_eq!(class(&[("grpc-status", "14")]), Class::Retry(None));
        assert_eq!(class(&[("grpc-status", "0")]), Class::Success);
        assert_eq!(class(&[("grpc-status", "3")]), Class::Fail); // INVALID_ARGUMENT
        assert_eq!(class(&[("grpc-status", "99")]), Class::Fail);
        assert_eq!(class(&[("grpc-status", "x")]), Class::Fail); // UNKNOWN
        // Started: the headers commit the call.
        assert_eq!(
            class(&[("content-type", "application/grpc")]),
            Class::Success
        );
    }

    #[test]
    fn the_set_of_retryable_codes_is_the_callers() {
        let unknown = headers(&[("grpc-status", "2")]);
        assert_eq!(class(StatusCode::OK, &unknown, DEFAULT), Class::Fail);
        let with_unknown = DEFAULT | 1 << UNKNOWN;
        assert_eq!(
            class(StatusCode::OK, &unknown, with_unknown),
            Class::Retry(None)
        );
        let unavailable = headers(&[("grpc-status", "14")]);
        assert_eq!(class(StatusCode::OK, &unavailable, 0), Class::Fail);
    }

    #[test]
    fn pushback_is_the_hint_and_a_bad_one_stops() {
        let class = |pushback| {
            let pairs = [("grpc-status", "14"), (PUSHBACK, pushback)];
            class(StatusCode::OK, &headers(&pairs), DEFAULT)
        };
        assert_eq!(class("250"), Class::Retry(Some(Duration::from_millis(250))));
        assert_eq!(class("0"), Class::Retry(Some(Duration::ZERO)));
        // A long one is capped as any hint is (see "Server hints").
        let long = Some(Duration::from_millis(99_999_999_999));
        assert_eq!(class("99999999999"), Class::Retry(long));
        for bad in ["-1", "1.5", "soon", "", "+5", "99999999999999999999999"] {
            assert_eq!(class(bad), Class::Fail, "{bad:?}");
        }
    }

    #[test]
    fn http_statuses_without_grpc_status() {
        let none = HeaderMap::new();
        for status in [429, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(
                class(status, &none, DEFAULT),
                Class::Retry(None),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 500] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(class(status, &none, DEFAULT), Class::Fail, "{status}");
        }
        let all = u32::MAX;
        assert_eq!(
            class(StatusCode::NOT_FOUND, &none, 1 << 12),
            Class::Retry(None)
        );
        assert_eq!(
            class(StatusCode::INTERNAL_SERVER_ERROR, &none, all),
            Class::Retry(None)
        );
    }
}
