//! The schedule as text, in the attribute's words: [`parse_duration`] (the grammar of its
//! duration literals, the same file the macro compiles), and `FromStr` for [`Backoff`] and
//! [`Jitter`] with the attribute's names. What configuration files and the `serde` feature
//! read.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::backoff::{Backoff, from_nanos};
use super::jitter::Jitter;
use crate::grammar;

/// Parses a duration in the grammar of the attribute's literals: a number and a unit (`ns`,
/// `us` or `µs`, `ms`, `s`, `m`, `h`, `d`), or several, largest first: `"250us"`,
/// `"500ms"`, `"1.5s"`, `"1m30s"`, `"1h"`. The macro accepts exactly the texts this accepts,
/// and rejects the others for the same reasons.
///
/// ```
/// use retry_runtime::parse_duration;
/// use std::time::Duration;
///
/// assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// let error = parse_duration("30s1m").unwrap_err();
/// assert!(error.to_string().contains("largest first"), "{error}");
/// ```
///
/// # Errors
///
/// [`ParseDurationError`], which says what is wrong: no unit, an unknown unit, units out of
/// order, finer than a nanosecond, longer than `Duration::MAX`.
pub fn parse_duration(text: &str) -> Result<Duration, ParseDurationError> {
    match grammar::parse(text) {
        Ok(nanos) => Ok(from_nanos(nanos)),
        Err(reason) => Err(ParseDurationError {
            text: text.to_owned(),
            reason,
        }),
    }
}

/// `duration` in the grammar of [`parse_duration`], which reads it back exactly:
/// `"1m30s"`, `"1s500ms"`, `"0s"`.
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
pub(crate) fn format_duration(duration: Duration) -> String {
    grammar::format(duration.as_nanos())
}

/// A text that is not a duration of the attribute's grammar (see [`parse_duration`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDurationError {
    text: String,
    reason: String,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration {:?}: {}; expected {}",
            self.text,
            self.reason,
            grammar::EXPECTED
        )
    }
}

impl std::error::Error for ParseDurationError {}

/// A name that is not one of a [`Backoff`]'s or a [`Jitter`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseNameError {
    what: &'static str,
    name: String,
    expected: &'static [&'static str],
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected: Vec<String> = self.expected.iter().map(|n| format!("{n:?}")).collect();
        write!(
            f,
            "unknown {} {:?}: expected one of {}",
            self.what,
            self.name,
            expected.join(", ")
        )
    }
}

impl std::error::Error for ParseNameError {}

/// The names of the shapes, as the attribute writes them.
pub(crate) const BACKOFFS: &[&str] = &["exponential", "fixed", "linear", "fibonacci"];
/// The names of the jitters, as the attribute writes them.
pub(crate) const JITTERS: &[&str] = &["none", "full", "equal", "decorrelated"];

/// The attribute's names: `"exponential"`, `"fixed"`, `"linear"`, `"fibonacci"`. (A
/// [`Backoff::Custom`] has no name.)
///
/// ```
/// use retry_runtime::Backoff;
///
/// assert_eq!("linear".parse::<Backoff>(), Ok(Backoff::Linear));
/// assert!("Linear".parse::<Backoff>().is_err());
/// ```
impl FromStr for Backoff {
    type Err = ParseNameError;

    fn from_str(name: &str) -> Result<Self, ParseNameError> {
        match name {
            "exponential" => Ok(Backoff::Exponential),
            "fixed" => Ok(Backoff::Fixed),
            "linear" => Ok(Backoff::Linear),
            "fibonacci" => Ok(Backoff::Fibonacci),
            _ => Err(ParseNameError {
                what: "backoff",
                name: name.to_owned(),
                expected: BACKOFFS,
            }),
        }
    }
}

/// The attribute's names: `"none"`, `"full"`, `"equal"`, `"decorrelated"`.
///
/// ```
/// use retry_runtime::Jitter;
///
/// assert_eq!("full".parse::<Jitter>(), Ok(Jitter::Full));
/// ```
impl FromStr for Jitter {
    type Err = ParseNameError;

    fn from_str(name: &str) -> Result<Self, ParseNameError> {
        match name {
            "none" => Ok(Jitter::None),
            "full" => Ok(Jitter::Full),
            "equal" => Ok(Jitter::Equal),
            "decorrelated" => Ok(Jitter::Decorrelated),
            _ => Err(ParseNameError {
                what: "jitter",
                name: name.to_owned(),
                expected: JITTERS,
            }),
        }
    }
}

impl Backoff {
    /// The attribute's name of this shape; `None` for [`Backoff::Custom`].
    #[must_use]
    pub const fn name(&self) -> Option<&'static str> {
        match self {
            Backoff::Exponential => Some("exponential"),
            Backoff::Fixed => Some("fixed"),
            Backoff::Linear => Some("linear"),
            Backoff::Fibonacci => Some("fibonacci"),
            Backoff::Custom(_) => None,
        }
    }
}

impl Jitter {
    /// The attribute's name of this jitter.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for name in BACKOFFS {
            assert_eq!(
                name.parse::<Backoff>().ok().and_then(|b| b.name()),
                Some(*name)
            );
        }
        for name in JITTERS {
            assert_eq!(name.parse::<Jitter>().map(|j| j.name()), Ok(*name));
        }
        let error = "expo".parse::<Backoff>().unwrap_err().to_string();
        assert_eq!(
            error,
            r#"unknown backoff "expo": expected one of "exponential", "fixed", "linear", "fibonacci""#
        );
    }

    #[test]
    fn durations_read_back() {
        for text in ["0s", "1ns", "250us", "1s500ms", "1m30s", "2d3h"] {
            let duration = parse_duration(text).unwrap();
            assert_eq!(format_duration(duration), text);
        }
        assert_eq!(parse_duration("250µs"), Ok(Duration::from_micros(250)));
        let max = format_duration(Duration::MAX);
        assert_eq!(parse_duration(&max), Ok(Duration::MAX));
    }
}
