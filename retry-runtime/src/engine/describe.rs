//! How the `tracing` events show an error: by `Display` if it has one, else by `Debug`,
//! else not at all. The choice is made where the error type is known, in the expansion
//! (autoref specialization: `(&&&Describe(e)).__retry_describe()` picks the first trait that
//! applies). The method has a name no user writes, so that no trait of the user's in scope
//! at the fn makes the call ambiguous.

use std::fmt::{self, Debug, Display};

/// A failure, as the `tracing` events show it in their `error` field: what a builder's or
/// tower's `.describe(..)` returns. [`Described::display`] and [`Described::debug`] make
/// one from a failure.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Described<'a> {
    /// Shown with `Display`.
    Display(&'a dyn Display),
    /// Shown with `Debug`.
    Debug(&'a dyn Debug),
    /// An HTTP status, shown as `503 Service Unavailable` (a response the tower and reqwest
    /// doors retry).
    Status(u16),
    /// Neither is implemented, or there is no error (a success retried by `when_ok`).
    Nothing,
}

impl Described<'_> {
    /// `failure`, shown with `Display`.
    #[must_use]
    pub fn display<T: Display>(failure: &T) -> Described<'_> {
        Described::Display(failure)
    }

    /// `failure`, shown with `Debug`.
    #[must_use]
    pub fn debug<T: Debug>(failure: &T) -> Described<'_> {
        Described::Debug(failure)
    }
}

impl Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Described::Display(error) => Display::fmt(error, f),
            Described::Debug(error) => Debug::fmt(error, f),
            Described::Status(code) => status(*code, f),
            Described::Nothing => f.write_str("-"),
        }
    }
}

impl Debug for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

/// `503 Service Unavailable`; the code alone for a status `http` does not name, or
/// without the `http` crate (feature `tower`).
fn status(code: u16, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    #[cfg(feature = "tower")]
    if let Some(reason) = http::StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
    {
        return write!(f, "{code} {reason}");
    }
    write!(f, "{code}")
}

/// A value to describe; see the module docs.
pub struct Describe<'a, T>(pub &'a T);

/// Picked first: the value is `Display`.
pub trait DescribeDisplay<'a> {
    /// The description.
    fn __retry_describe(&self) -> Described<'a>;
}

impl<'a, T: Display> DescribeDisplay<'a> for &&Describe<'a, T> {
    fn __retry_describe(&self) -> Described<'a> {
        Described::Display(self.0)
    }
}

/// Picked second: the value is `Debug`.
pub trait DescribeDebug<'a> {
    /// The description.
    fn __retry_describe(&self) -> Described<'a>;
}

impl<'a, T: Debug> DescribeDebug<'a> for &Describe<'a, T> {
    fn __retry_describe(&self) -> Described<'a> {
        Described::Debug(self.0)
    }
}

/// Picked last: the value cannot be shown.
pub trait DescribeNothing<'a> {
    /// The description.
    fn __retry_describe(&self) -> Described<'a>;
}

impl<'a, T> DescribeNothing<'a> for Describe<'a, T> {
    fn __retry_describe(&self) -> Described<'a> {
        Described::Nothing
    }
}

/// `state.judge(policy, outcome, function)` as the expansion writes it: with the `tracing`
/// feature, `judge_described` and a describer that picks how the error is shown (its traits
/// are in scope through the `__private::reserved` glob every expansion imports).
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_judge {
    ($state:ident, $policy:expr, $outcome:expr, $function:expr) => {
        $state.judge_described($policy, $outcome, $function, &|__retry_error| {
            (&&&$crate::__private::Describe(__retry_error)).__retry_describe()
        })
    };
}

/// How a hedged `#[retry]` fn's events show its outcome's failure: with the `tracing`
/// feature, a fn that describes it as `judge_described` does.
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_describer {
    () => {
        ::core::option::Option::Some(|__retry_outcome| {
            match $crate::Outcome::failure(__retry_outcome) {
                ::core::option::Option::Some(__retry_error) => {
                    (&&&$crate::__private::Describe(__retry_error)).__retry_describe()
                }
                ::core::option::Option::None => $crate::__private::Described::Nothing,
            }
        })
    };
}

/// How a hedged `#[retry]` fn's events show its outcome's failure: without the `tracing`
/// feature there is no event to show it in.
#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_describer {
    () => {
        ::core::option::Option::None
    };
}

/// `state.judge(policy, outcome, function)` as the expansion writes it: without the
/// `tracing` feature there is no event to show the error in.
#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_judge {
    ($state:ident, $policy:expr, $outcome:expr, $function:expr) => {
        $state.judge($policy, $outcome, $function)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[derive(Debug)]
    struct OnlyDebug;

    /// Stands for `CallState` in `__retry_judge!`: says how the error would be shown.
    struct State;

    // The signatures mirror `CallState`'s, not what a helper would need.
    #[allow(
        clippy::unused_self,
        clippy::trivially_copy_pass_by_ref,
        clippy::ignored_unit_patterns
    )]
    impl State {
        fn judge<T>(&mut self, _: &(), _: &T, _: &str) -> String {
            "not described".into()
        }

        fn judge_described<T>(
            &mut self,
            _: &(),
            error: &T,
            _: &str,
            describe: &dyn for<'x> Fn(&'x T) -> Described<'x>,
        ) -> String {
            describe(error).to_string()
        }
    }

    /// A macro, not a fn: the choice needs the error's concrete type.
    macro_rules! show {
        ($error:expr) => {{
            // What every expansion imports, and `judge!` relies on.
            #[allow(unused_imports)]
            use crate::__private::reserved::*;
            let mut state = State;
            // Both are used by one configuration or the other.
            let _ = state.judge(&(), $error, "f");
            let _ = state.judge_described(&(), $error, "f", &|_| Described::Nothing);
            crate::__retry_judge!(state, &(), $error, "f")
        }};
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn prefers_display_then_debug_then_nothing() {
        assert_eq!(
            show!(&std::io::Error::other("disk on fire")),
            "disk on fire"
        );
        assert_eq!(show!(&OnlyDebug), "OnlyDebug");
        assert_eq!(show!(&Opaque), "-");
    }

    #[cfg(not(feature = "tracing"))]
    #[test]
    fn describes_nothing_without_tracing() {
        assert_eq!(
            show!(&std::io::Error::other("disk on fire")),
            "not described"
        );
        assert_eq!(Described::Debug(&OnlyDebug).to_string(), "OnlyDebug");
        let _ = show!(&Opaque);
    }
}
