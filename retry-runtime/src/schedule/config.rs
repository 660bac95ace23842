//! `Serialize` and `Deserialize` for [`Policy`] (feature `serde`), with the attribute's key
//! names and durations in its grammar, for policies read from configuration files.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};

use super::backoff::Backoff;
use super::jitter::Jitter;
use super::policy::Policy;
use super::text::{format_duration, parse_duration};

/// The policy as a configuration file writes it: the attribute's keys, each optional.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<Text<Duration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backoff: Option<Text<Backoff>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_delay: Option<Text<Duration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_delay: Option<Text<Duration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jitter: Option<Text<Jitter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deadline: Option<Text<Duration>>,
}

/// A value written as the attribute writes it: a duration in its grammar, a shape's or a
/// jitter's name.
struct Text<T>(T);

impl Serialize for Text<Duration> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_duration(self.0))
    }
}

impl Serialize for Text<Backoff> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.name() {
            Some(name) => serializer.serialize_str(name),
            None => Err(ser::Error::custom(
                "a `Backoff::Custom` shape is a fn, which a configuration cannot hold",
            )),
        }
    }
}

impl Serialize for Text<Jitter> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name())
    }
}

/// Reads a string with `parse`; `expecting` says what the string is.
struct Parsed<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, String>,
}

impl<T> Visitor<'_> for Parsed<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Text<Duration> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parsed = Parsed {
            expecting: "a duration such as \"500ms\" or \"1m30s\"",
            parse: |text| parse_duration(text).map_err(|error| error.to_string()),
        };
        deserializer.deserialize_str(parsed).map(Text)
    }
}

/// A shape or a jitter, read by its attribute name.
trait Named: std::str::FromStr<Err = super::ParseNameError> {
    /// The names, for the error of a value that is not a string.
    const EXPECTING: &'static str;
}

impl Named for Backoff {
    const EXPECTING: &'static str = "one of \"exponential\", \"fixed\", \"linear\", \"fibonacci\"";
}

impl Named for Jitter {
    const EXPECTING: &'static str = "one of \"none\", \"full\", \"equal\", \"decorrelated\"";
}

impl<'de, T: Named> Deserialize<'de> for Text<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parsed = Parsed {
            expecting: T::EXPECTING,
            parse: |text| text.parse::<T>().map_err(|error| error.to_string()),
        };
        deserializer.deserialize_str(parsed).map(Text)
    }
}

/// The attribute's keys (`max`, `base`, `backoff`, `factor`, `max_delay`, `min_delay`,
/// `jitter`, `deadline`), each written only when it differs from the default; durations in
/// the attribute's grammar (`"1m30s"`). A [`Backoff::Custom`] shape cannot be written, and
/// a policy's `budget` is not part of it (it is shared state, not configuration).
impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let defaults = Policy::new();
        let keys = Keys {
            max: (self.max_attempts != defaults.max_attempts).then_some(self.max_attempts),
            base: (self.base != defaults.base).then_some(Text(self.base)),
            backoff: (self.backoff != defaults.backoff).then_some(Text(self.backoff)),
            factor: (self.factor.to_bits() != defaults.factor.to_bits()).then_some(self.factor),
            max_delay: self.max_delay.map(Text),
            min_delay: (!self.min_delay.is_zero()).then_some(Text(self.min_delay)),
            jitter: (self.jitter != defaults.jitter).then_some(Text(self.jitter)),
            deadline: self.deadline.map(Text),
        };
        keys.serialize(serializer)
    }
}

/// The attribute's keys, each optional (a missing key takes the attribute's default), with
/// durations in its grammar (`"1m30s"`) and the shapes' and jitters' names as it writes
/// them. An unknown key is an error that names the accepted ones; so is a value the
/// attribute would reject (`max = 0`, a `factor` below 1, `min_delay` above `max_delay`).
///
/// ```
/// use retry_runtime::{Backoff, Jitter, Policy};
/// use std::time::Duration;
///
/// let policy: Policy = toml::from_str(r#"
///     max = 5
///     base = "200ms"
///     max_delay = "1m30s"
///     jitter = "full"
/// "#).unwrap();
/// let expected = Policy::new()
///     .max_attempts(5)
///     .base(Duration::from_millis(200))
///     .max_delay(Duration::from_secs(90))
///     .jitter(Jitter::Full);
/// assert_eq!(policy, expected);
///
/// let error = toml::from_str::<Policy>("retries = 3").unwrap_err();
/// assert!(error.to_string().contains("expected one of `max`, `base`"), "{error}");
/// ```
impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keys = Keys::deserialize(deserializer)?;
        let mut policy = Policy::new();
        if let Some(max) = keys.max {
            if max == 0 {
                return Err(de::Error::custom(
                    "`max = 0` makes no call at all: `max` counts every attempt, the first call \
                     included, so it is at least 1",
                ));
            }
            policy = policy.max_attempts(max);
        }
        if let Some(Text(base)) = keys.base {
            policy = policy.base(base);
        }
        if let Some(Text(backoff)) = keys.backoff {
            policy = policy.backoff(backoff);
        }
        if let Some(factor) = keys.factor {
            if !(factor >= 1.0 && factor.is_finite()) {
                return Err(de::Error::custom(format!(
                    "`factor = {factor}`: the factor is a finite number of at least 1"
                )));
            }
            policy = policy.factor(factor);
        }
        if let (Some(Text(min)), Some(Text(max))) = (&keys.min_delay, &keys.max_delay) {
            if min > max {
                return Err(de::Error::custom(
                    "`min_delay` is above `max_delay`: no delay can be both",
                ));
            }
        }
        if let Some(Text(max_delay)) = keys.max_delay {
            policy = policy.max_delay(max_delay);
        }
        if let Some(Text(min_delay)) = keys.min_delay {
            policy = policy.min_delay(min_delay);
        }
        if let Some(Text(jitter)) = keys.jitter {
            policy = policy.jitter(jitter);
        }
        if let Some(Text(deadline)) = keys.deadline {
            policy = policy.deadline(deadline);
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn every_key_reads_and_writes_back() {
        let policy = Policy::new()
            .max_attempts(7)
            .base(MS * 250)
            .backoff(Backoff::Fibonacci)
            .factor(1.5)
            .max_delay(MS * 90_000)
            .min_delay(MS * 100)
            .jitter(Jitter::Decorrelated)
            .deadline(MS * 10_500);
        let text = toml::to_string(&policy).unwrap();
        assert_eq!(
            text,
            "max = 7\nbase = \"250ms\"\nbackoff = \"fibonacci\"\nfactor = 1.5\n\
             max_delay = \"1m30s\"\nmin_delay = \"100ms\"\njitter = \"decorrelated\"\n\
             deadline = \"10s500ms\"\n"
        );
        assert_eq!(toml::from_str::<Policy>(&text).unwrap(), policy);
    }

    #[test]
    fn missing_keys_take_the_attributes_defaults() {
        assert_eq!(toml::from_str::<Policy>("").unwrap(), Policy::new());
        assert_eq!(toml::to_string(&Policy::new()).unwrap(), "");
        let only_max: Policy = toml::from_str("max = 10").unwrap();
        assert_eq!(only_max, Policy::new().max_attempts(10));
    }

    #[test]
    fn mistakes_are_errors_that_say_what_is_accepted() {
        for (text, says) in [
            (
                "retries = 3",
                "unknown field `retries`, expected one of `max`, `base`, `backoff`, `factor`, `max_delay`, `min_delay`, `jitter`, `deadline`",
            ),
            ("base = \"5\"", "has no unit"),
            ("base = 5", "a duration such as"),
            (
                "backoff = \"expo\"",
                "unknown backoff \"expo\": expected one of",
            ),
            ("jitter = \"some\"", "unknown jitter \"some\""),
            ("max = 0", "`max = 0` makes no call"),
            ("factor = 0.5", "at least 1"),
            (
                "min_delay = \"2s\"\nmax_delay = \"1s\"",
                "`min_delay` is above `max_delay`",
            ),
        ] {
            let error = toml::from_str::<Policy>(text).unwrap_err().to_string();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn a_custom_shape_cannot_be_written() {
        fn shape(_: u32) -> Duration {
            MS
        }
        let policy = Policy::new().backoff(Backoff::Custom(shape));
        let error = toml::to_string(&policy).unwrap_err().to_string();
        assert!(error.contains("Backoff::Custom"), "{error}");
    }
}
