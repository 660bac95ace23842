//! The duration grammar of `#[retry]`'s literals and of `retry_runtime::parse_duration`:
//! `"250us"`, `"500ms"`, `"1.5s"`, `"1m30s"`, `"1h"`. One file, compiled by both crates (the
//! runtime's `src/grammar.rs` is a link to this one), so that the macro and the runtime
//! accept the same texts and reject the same ones with the same reasons. It uses `std`
//! alone.

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// The units, largest first, with their length in nanoseconds.
const UNITS: &[(&str, u128)] = &[
    ("d", 86_400 * NANOS_PER_SEC),
    ("h", 3_600 * NANOS_PER_SEC),
    ("m", 60 * NANOS_PER_SEC),
    ("s", NANOS_PER_SEC),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("µs", 1_000),
    ("ns", 1),
];

pub(crate) const EXPECTED: &str = "a number and a unit (ns, us, ms, s, m, h, d), or several \
    in decreasing order, such as \"250us\", \"500ms\", \"1.5s\" or \"1m30s\"";

/// Parses a duration literal into nanoseconds, or says what is wrong with it.
pub(crate) fn parse(text: &str) -> Result<u128, String> {
    if text.is_empty() {
        return Err("the duration is empty".into());
    }
    let mut rest = text;
    let mut total: u128 = 0;
    let mut previous_unit: Option<(&str, u128)> = None;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(digits);
        if number.is_empty() {
            return Err(format!("expected a number before `{after}`"));
        }
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let Some(&(unit, unit_nanos)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(if unit.is_empty() {
                format!("`{number}` has no unit")
            } else {
                format!("unknown unit `{unit}`")
            });
        };
        if let Some((previous, previous_nanos)) = previous_unit {
            if unit_nanos >= previous_nanos {
                return Err(format!(
                    "`{unit}` comes after `{previous}`: write the units largest first, each once"
                ));
            }
        }
        total = total
            .checked_add(scale(number, unit_nanos)?)
            .ok_or_else(too_long)?;
        previous_unit = Some((unit, unit_nanos));
        rest = after;
    }
    if total / NANOS_PER_SEC > u128::from(u64::MAX) {
        return Err(too_long());
    }
    Ok(total)
}

fn too_long() -> String {
    "the duration is longer than `Duration::MAX`".into()
}

/// `number` (digits with at most one `.`) times `unit_nanos`, exactly.
fn scale(number: &str, unit_nanos: u128) -> Result<u128, String> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || (number.contains('.') && fraction.is_empty()) {
        return Err(format!("`{number}` is not a number"));
    }
    let whole: u128 = whole.parse().map_err(|_| too_long())?;
    let mut nanos = whole.checked_mul(unit_nanos).ok_or_else(too_long)?;
    let mut place = unit_nanos;
    for digit in fraction.bytes() {
        if place % 10 != 0 {
            return Err(format!("`{number}` is finer than a nanosecond"));
        }
        place /= 10;
        nanos = nanos
            .checked_add(u128::from(digit - b'0') * place)
            .ok_or_else(too_long)?;
    }
    Ok(nanos)
}

/// `duration` in the grammar, largest unit first, exactly (`"1m30s"`, `"1s500ms"`, `"0s"`):
/// what [`parse`] reads back as the same number of nanoseconds.
#[allow(dead_code)] // the macro parses only
pub(crate) fn format(nanos: u128) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    let mut rest = nanos;
    let mut text = String::new();
    for &(unit, unit_nanos) in UNITS {
        if unit == "µs" {
            continue;
        }
        let count = rest / unit_nanos;
        if count > 0 {
            text.push_str(&count.to_string());
            text.push_str(unit);
            rest %= unit_nanos;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{format, parse};

    const MS: u128 = 1_000_000;
    const S: u128 = 1_000 * MS;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse("250us"), Ok(250_000));
        assert_eq!(parse("250µs"), Ok(250_000));
        assert_eq!(parse("500ms"), Ok(500 * MS));
        assert_eq!(parse("2s"), Ok(2 * S));
        assert_eq!(parse("1.5s"), Ok(1_500 * MS));
        assert_eq!(parse("1m"), Ok(60 * S));
        assert_eq!(parse("1m30s"), Ok(90 * S));
        assert_eq!(parse("1h"), Ok(3_600 * S));
        assert_eq!(parse("1d2h3m4s5ms6us7ns"), Ok(93_784 * S + 5 * MS + 6_007));
        assert_eq!(parse("0s"), Ok(0));
        assert_eq!(parse("0.000000001s"), Ok(1));
        assert_eq!(parse("18446744073709551615s"), Ok(u128::from(u64::MAX) * S));
    }

    #[test]
    fn rejects_with_a_reason() {
        for (text, reason) in [
            ("", "empty"),
            ("5", "has no unit"),
            ("5 s", "unknown unit"),
            ("5sec", "unknown unit"),
            ("ms", "expected a number"),
            ("1.s", "not a number"),
            (".5s", "not a number"),
            ("1.2.3s", "not a number"),
            ("30s1m", "largest first"),
            ("1s1s", "largest first"),
            ("0.0000000001s", "finer than a nanosecond"),
            ("1.5ns", "finer than a nanosecond"),
            ("18446744073709551616s", "longer than"),
            ("99999999999999999999999999999999999999999d", "longer than"),
            ("-1s", "expected a number"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn format_reads_back_exactly() {
        for nanos in [
            0,
            1,
            999,
            1_000,
            250_000,
            500 * MS,
            1_500 * MS,
            90 * S,
            93_784 * S + 5 * MS + 6_007,
        ] {
            assert_eq!(parse(&format(nanos)), Ok(nanos), "{}", format(nanos));
        }
        assert_eq!(format(90 * S), "1m30s");
        assert_eq!(format(1_500 * MS), "1s500ms");
        assert_eq!(format(0), "0s");
        let max = u128::from(u64::MAX) * S + 999_999_999;
        assert_eq!(parse(&format(max)), Ok(max));
    }
}
