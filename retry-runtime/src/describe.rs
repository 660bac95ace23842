//! How the `tracing` events show an error: by `Display` if it has one, else by `Debug`,
//! else not at all. The choice is made where the error type is known, in the expansion
//! (autoref specialization: `(&&&Describe(e)).describe()` picks the first trait that
//! applies).

use std::fmt::{self, Debug, Display};

/// An error, as the `tracing` events show it.
#[derive(Clone, Copy)]
pub enum Described<'a> {
    /// Shown with `Display`.
    Display(&'a dyn Display),
    /// Shown with `Debug`.
    Debug(&'a dyn Debug),
    /// Neither is implemented, or there is no error (a success retried by `when_ok`).
    Nothing,
}

impl Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Described::Display(error) => Display::fmt(error, f),
            Described::Debug(error) => Debug::fmt(error, f),
            Described::Nothing => f.write_str("-"),
        }
    }
}

impl Debug for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(self, f)
    }
}

/// A value to describe; see the module docs.
pub struct Describe<'a, T>(pub &'a T);

/// Picked first: the value is `Display`.
pub trait DescribeDisplay<'a> {
    /// The description.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T: Display> DescribeDisplay<'a> for &&Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Display(self.0)
    }
}

/// Picked second: the value is `Debug`.
pub trait DescribeDebug<'a> {
    /// The description.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T: Debug> DescribeDebug<'a> for &Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Debug(self.0)
    }
}

/// Picked last: the value cannot be shown.
pub trait DescribeNothing<'a> {
    /// The description.
    fn describe(&self) -> Described<'a>;
}

impl<'a, T> DescribeNothing<'a> for Describe<'a, T> {
    fn describe(&self) -> Described<'a> {
        Described::Nothing
    }
}

/// The describer the expansion passes to `judge`: `&|error| -> Described`.
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_describe {
    () => {
        &|__error| {
            #[allow(unused_imports)]
            use $crate::__private::{
                DescribeDebug as _, DescribeDisplay as _, DescribeNothing as _,
            };
            (&&&$crate::__private::Describe(__error)).describe()
        }
    };
}

/// The describer the expansion passes to `judge`: without the `tracing` feature there is
/// no event to show the error in.
#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_describe {
    () => {
        &|_| $crate::__private::Described::Nothing
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[derive(Debug)]
    struct OnlyDebug;

    /// As `judge` receives it: the closure's type comes from this signature.
    fn show<T>(value: &T, describe: &dyn for<'x> Fn(&'x T) -> Described<'x>) -> String {
        describe(value).to_string()
    }

    #[cfg(feature = "tracing")]
    #[test]
    fn prefers_display_then_debug_then_nothing() {
        let io = std::io::Error::other("disk on fire");
        assert_eq!(show(&io, crate::__retry_describe!()), "disk on fire");
        assert_eq!(show(&OnlyDebug, crate::__retry_describe!()), "OnlyDebug");
        assert_eq!(show(&Opaque, crate::__retry_describe!()), "-");
    }

    #[cfg(not(feature = "tracing"))]
    #[test]
    fn describes_nothing_without_tracing() {
        let io = std::io::Error::other("disk on fire");
        assert_eq!(show(&io, crate::__retry_describe!()), "-");
        assert_eq!(Described::Debug(&OnlyDebug).to_string(), "OnlyDebug");
        let _ = Opaque;
    }
}
