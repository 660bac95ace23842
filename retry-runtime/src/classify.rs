//! Ready classifiers for `when`: [`io`](io()), whether an `io::Error` means "try again", and
//! [`source`], the first error of a type in an error's `source()` chain, so that a reqwest,
//! hyper or database driver's error is classified by its io cause.
//!
//! ```
//! use retry_runtime::{classify, retry};
//! use std::io;
//!
//! /// A driver's error, wrapping the io error that caused it.
//! #[derive(Debug)]
//! struct DriverError(io::Error);
//!
//! impl std::fmt::Display for DriverError {
//!     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!         f.write_str("query failed")
//!     }
//! }
//!
//! impl std::error::Error for DriverError {
//!     fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
//!         Some(&self.0)
//!     }
//! }
//!
//! #[retry(max = 3, base = "0s", when = |e| classify::source::<io::Error>(e).is_some_and(classify::io))]
//! fn query(kind: io::ErrorKind) -> Result<(), DriverError> {
//!     Err(DriverError(io::Error::from(kind)))
//! }
//!
//! assert!(query(io::ErrorKind::ConnectionReset).is_err()); // retried: 3 attempts
//! assert!(query(io::ErrorKind::PermissionDenied).is_err()); // not retried
//! ```

use std::error::Error;
use std::io::{self, ErrorKind};

/// Whether `error` means "try again": a refused, reset or aborted connection, a broken
/// pipe, a timeout, an interrupted call, an operation that would block, an unexpected end
/// of file (a connection closed mid-answer), or an unreachable host or network. Anything
/// else (not found, permission denied, invalid input, ...) is an answer, not an incident.
///
/// ```
/// use retry_runtime::classify;
/// use std::io::{Error, ErrorKind};
///
/// assert!(classify::io(&Error::from(ErrorKind::ConnectionRefused)));
/// assert!(classify::io(&Error::from(ErrorKind::TimedOut)));
/// assert!(!classify::io(&Error::from(ErrorKind::NotFound)));
/// assert!(!classify::io(&Error::other("disk on fire")));
/// ```
#[must_use]
pub fn io(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::TimedOut
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
            | ErrorKind::UnexpectedEof
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
    )
}

/// The first `T` in `error`'s `source()` chain, `error` itself included: the io error
/// under a reqwest, hyper or driver error, say. Pass the error as `&dyn Error` (a
/// reference to any `E: Error + 'static` coerces to it).
///
/// ```
/// use retry_runtime::classify;
/// use std::io;
///
/// let error: Box<dyn std::error::Error> = Box::new(io::Error::from(io::ErrorKind::BrokenPipe));
/// let cause = classify::source::<io::Error>(&*error);
/// assert_eq!(cause.map(io::Error::kind), Some(io::ErrorKind::BrokenPipe));
/// assert!(classify::source::<std::fmt::Error>(&*error).is_none());
/// ```
#[must_use]
pub fn source<'e, T: Error + 'static>(error: &'e (dyn Error + 'static)) -> Option<&'e T> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        next = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Outer(Middle);
    #[derive(Debug)]
    struct Middle(io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("outer")
        }
    }
    impl fmt::Display for Middle {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("middle")
        }
    }
    impl Error for Outer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }
    impl Error for Middle {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn every_kind_that_means_try_again_and_no_other() {
        let again = [
            ErrorKind::ConnectionRefused,
            ErrorKind::ConnectionReset,
            ErrorKind::ConnectionAborted,
            ErrorKind::BrokenPipe,
            ErrorKind::TimedOut,
            ErrorKind::Interrupted,
            ErrorKind::WouldBlock,
            ErrorKind::UnexpectedEof,
            ErrorKind::HostUnreachable,
            ErrorKind::NetworkUnreachable,
        ];
        for kind in again {
            assert!(io(&io::Error::from(kind)), "{kind:?}");
        }
        let answers = [
            ErrorKind::NotFound,
            ErrorKind::PermissionDenied,
            ErrorKind::AlreadyExists,
            ErrorKind::InvalidInput,
            ErrorKind::InvalidData,
            ErrorKind::Unsupported,
            ErrorKind::OutOfMemory,
            ErrorKind::AddrInUse,
            ErrorKind::NotConnected,
            ErrorKind::Other,
        ];
        for kind in answers {
            assert!(!io(&io::Error::from(kind)), "{kind:?}");
        }
    }

    #[test]
    fn source_walks_the_chain_from_the_error_itself() {
        let error = Outer(Middle(io::Error::from(ErrorKind::ConnectionReset)));
        let found = source::<io::Error>(&error).map(io::Error::kind);
        assert_eq!(found, Some(ErrorKind::ConnectionReset));
        assert!(source::<Middle>(&error).is_some());
        assert!(source::<Outer>(&error).is_some());
        assert!(source::<fmt::Error>(&error).is_none());
        // A `TimedOut` from `attempt_timeout`, converted into an io error, is found too.
        let cut = io::Error::from(crate::TimedOut::new(std::time::Duration::from_secs(1)));
        assert!(source::<io::Error>(&cut).is_some_and(io));
    }
}
