//! Parses the attribute's arguments, `#[retry(key = value, ...)]`, into [`Args`], by the
//! descriptions in [`keys`](crate::keys).
//!
//! Parsing goes on after a bad value (it skips to the next top-level comma), so that every
//! mistake in the attribute is reported at once, each at its own token.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Ident, Token};

use crate::errors::Errors;
use crate::keys::{self, KEYS, Key};
use crate::values::parse_value;
pub(crate) use crate::values::{DurationValue, Krate, Value};

/// The keys that were given, each with the token it was given at, in the order of
/// [`KEYS`].
#[derive(Default)]
pub(crate) struct Args {
    given: Vec<Given>,
    /// A key could not be parsed (its error was told): what the keys lack is not told again.
    pub malformed: bool,
}

/// One key that was given, and its value.
pub(crate) struct Given {
    pub key: &'static Key,
    pub ident: Ident,
    pub value: Value,
}

impl Args {
    /// The key `key`, if it was given.
    pub(crate) fn get(&self, key: &Key) -> Option<&Given> {
        self.given.iter().find(|given| given.key.name == key.name)
    }

    /// Every key given, in the order of [`KEYS`].
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Given> {
        self.given.iter()
    }

    /// The expression of an expression key.
    pub(crate) fn expr(&self, key: &Key) -> Option<&Expr> {
        match &self.get(key)?.value {
            Value::Expr(expr) => Some(expr),
            _ => None,
        }
    }
}

/// Parses the attribute's arguments; every mistake goes to `errors`, and the keys that
/// parsed are kept.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    parse_keys(tokens, errors, &Keys::ATTRIBUTE)
}

/// A table of keys, and what takes them, for the messages.
pub(crate) struct Keys {
    pub table: &'static [Key],
    pub taker: &'static str,
}

impl Keys {
    /// The keys of `#[retry(...)]` on a fn.
    pub(crate) const ATTRIBUTE: Keys = Keys {
        table: KEYS,
        taker: "`#[retry]`",
    };
    /// The keys of `#[retry(...)]` on what `#[derive(Retryable)]` classifies.
    pub(crate) const DERIVE: Keys = Keys {
        table: keys::DERIVE_KEYS,
        taker: "`#[retry(...)]` under `#[derive(Retryable)]`",
    };
}

/// Parses the keys of `keys` in `tokens`; every mistake goes to `errors`, and the keys that
/// parsed are kept, in the order of the table.
pub(crate) fn parse_keys(tokens: TokenStream, errors: &mut Errors, keys: &Keys) -> Args {
    let mut args = Args::default();
    let parser = |input: ParseStream<'_>| {
        while !input.is_empty() {
            if let Err(error) = parse_one(input, &mut args, keys) {
                errors.push(error);
                skip_to_comma(input);
            }
            if input.is_empty() {
                break;
            }
            if let Err(error) = input.parse::<Token![,]>() {
                errors.push(error);
                skip_to_comma(input);
                let _ = input.parse::<Option<Token![,]>>();
            }
        }
        Ok(())
    };
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    let index = |given: &Given| keys.table.iter().position(|key| key.name == given.key.name);
    args.given.sort_by_key(index);
    args
}

fn skip_to_comma(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}

fn parse_one(input: ParseStream<'_>, args: &mut Args, keys: &Keys) -> syn::Result<()> {
    let ident = input.call(Ident::parse_any).map_err(|error| {
        syn::Error::new(error.span(), format!("expected a key: {}", key_list(keys)))
    })?;
    let Some(key) = keys.table.iter().find(|key| ident == key.name) else {
        return Err(unknown_key(&ident, keys));
    };
    let value = parse_value(input, key, &ident)?;
    if args.get(key).is_some() {
        return Err(syn::Error::new(
            ident.span(),
            format!("`{ident}` is given more than once"),
        ));
    }
    args.given.push(Given { key, ident, value });
    Ok(())
}

fn key_list(keys: &Keys) -> String {
    let shown: Vec<String> = keys.table.iter().map(Key::shown).collect();
    format!("one of {}", shown.join(", "))
}

fn unknown_key(key: &Ident, keys: &Keys) -> syn::Error {
    let name = key.to_string();
    let guess = keys
        .table
        .iter()
        .map(|known| known.name)
        .filter(|known| edit_distance(known, &name) <= 2)
        .min_by_key(|known| edit_distance(known, &name));
    let hint = match guess {
        Some(guess) => format!("; did you mean `{guess}`?"),
        None => String::new(),
    };
    syn::Error::new(
        key.span(),
        format!(
            "unknown key `{name}`: {} takes {}{hint}",
            keys.taker,
            key_list(keys)
        ),
    )
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse_ok(tokens: TokenStream) -> Args {
        let mut errors = Errors::default();
        let args = parse(tokens, &mut errors);
        if let Some(errors) = errors.into_compile_errors() {
            panic!("{errors}");
        }
        args
    }

    fn error(tokens: TokenStream) -> String {
        let mut errors = Errors::default();
        let _ = parse(tokens, &mut errors);
        messages(errors).join("\n")
    }

    fn messages(errors: Errors) -> Vec<String> {
        let errors = errors.into_error().into_iter().flatten();
        errors.map(|error| error.to_string()).collect()
    }

    fn value<'a>(args: &'a Args, name: &str) -> Option<&'a Value> {
        keys::find(name)
            .and_then(|key| args.get(key))
            .map(|given| &given.value)
    }

    #[test]
    fn accepts_every_key() {
        let args = parse_ok(quote! {
            max = 10, base = "500ms", backoff = "linear", factor = 1.5, max_delay = "1m",
            jitter = "full", deadline = Duration::from_secs(30), when = |e| e.retry(),
            when_ok = |v| v.is_empty(), on_retry = log, clone(a, b), sleep = smol::sleep,
            crate = my::retry_runtime, hint = |e| e.after, budget = &BUDGET,
            on_give_up = report,
        });
        assert!(matches!(value(&args, "max"), Some(Value::Attempts(10))));
        assert!(
            matches!(value(&args, "backoff"), Some(Value::Variant { ty: "Backoff", variant }) if variant == "Linear")
        );
        assert!(
            matches!(value(&args, "jitter"), Some(Value::Variant { ty: "Jitter", variant }) if variant == "Full")
        );
        assert!(
            matches!(value(&args, "factor"), Some(Value::Factor(f)) if (*f - 1.5).abs() < 1e-9)
        );
        assert!(matches!(
            value(&args, "base"),
            Some(Value::Duration(DurationValue::Literal {
                nanos: 500_000_000,
                ..
            }))
        ));
        assert!(matches!(
            value(&args, "deadline"),
            Some(Value::Duration(DurationValue::Expr(_)))
        ));
        assert!(matches!(value(&args, "clone"), Some(Value::Names(names)) if names.len() == 2));
        assert_eq!(args.iter().count(), 16);
        assert!(value(&args, "policy").is_none());
        // In the order of `KEYS`, whatever the order written.
        let order: Vec<&str> = args.iter().map(|given| given.key.name).collect();
        let expected: Vec<&str> = KEYS
            .iter()
            .map(|key| key.name)
            .filter(|name| order.contains(name))
            .collect();
        assert_eq!(order, expected);
        parse_ok(quote!(policy = POLICY, when = |e| true));
    }

    #[test]
    fn keeps_the_keys_that_parsed_beside_a_malformed_one() {
        let mut errors = Errors::default();
        let args = parse(
            quote!(max = 0, sleep = smol::sleep, jitter = full),
            &mut errors,
        );
        assert!(value(&args, "sleep").is_some());
        assert!(value(&args, "max").is_none());
        assert_eq!(messages(errors).len(), 2);
    }

    #[test]
    fn reports_every_mistake_at_once() {
        let message = error(quote!(max = 0, bsae = "1s", jitter = "fully", factor = 0.5));
        assert!(
            message.contains("`max = 0` makes no call at all"),
            "{message}"
        );
        assert!(
            message.contains("unknown key `bsae`") && message.contains("did you mean `base`?"),
            "{message}"
        );
        assert!(message.contains("unknown `jitter` \"fully\""), "{message}");
        assert!(message.contains("factor below 1"), "{message}");
    }

    #[test]
    fn names_the_key_and_what_it_accepts() {
        for (tokens, expected) in [
            (quote!(max = 0), "at least 1"),
            (quote!(max = "3"), "`max` takes an integer literal"),
            (quote!(max = 99999999999), "at most 4294967295"),
            (quote!(max), "`max` takes a value, as in `max = 5`"),
            (
                quote!(base = "5 sec"),
                "invalid duration \"5 sec\" for `base`",
            ),
            (quote!(base = 100), "a bare number has no unit"),
            (quote!(deadline = "30s1m"), "largest first"),
            (
                quote!(backoff = "quadratic"),
                "\"exponential\", \"fixed\", \"linear\", \"fibonacci\"",
            ),
            (
                quote!(backoff = exponential),
                "`backoff` takes a string, one of \"exponential\", \"fixed\", \"linear\", \"fibonacci\", such as `backoff = \"fixed\"`",
            ),
            (quote!(jitter = full), "such as `jitter = \"full\"`"),
            (
                quote!(on_retry),
                "as in `on_retry = |attempt| log(attempt)`",
            ),
            (quote!(when_ok), "as in `when_ok = |v| v.is_pending()`"),
            (
                quote!(on_give_up),
                "as in `on_give_up = |give_up| log(give_up)`",
            ),
            (quote!(max_delay = 30), "such as `max_delay = \"30s\"`"),
            (quote!(deadline = ), "such as `deadline = \"10s\"`"),
            (
                quote!(base = "1 sec"),
                "invalid duration \"1 sec\" for `base`",
            ),
            (
                quote!(jitter = "some"),
                "\"none\", \"full\", \"equal\", \"decorrelated\"",
            ),
            (quote!(factor = 0.9), "at least 1"),
            (quote!(factor = 1e309), "too large for an `f64`"),
            (quote!(factor = "2"), "`factor` takes a number literal"),
            (quote!(max = 1, max = 2), "`max` is given more than once"),
            (quote!(clone(a, a)), "`a` is listed twice"),
            (quote!(clone()), "`clone` takes the names"),
            (quote!(clone = a), "`clone` takes the names"),
            (quote!(sleep = |d| async {}), "`sleep` takes a path"),
            (quote!(crate = "x"), "`crate` takes a path"),
            (quote!(when = ), "`when` takes a closure"),
            (quote!(max = 1 base = "1s"), "expected `,`"),
            (quote!(42), "expected a key"),
            (
                quote!(policy),
                "`policy` takes a value, as in `policy = &self.retry_policy`",
            ),
            (
                quote!(budget = ),
                "`budget` takes an expression of type `&RetryBudget`",
            ),
            (quote!(retries = 3), "unknown key `retries`"),
        ] {
            let message = error(tokens.clone());
            assert!(message.contains(expected), "{tokens}: {message}");
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("max", "max"), 0);
        assert_eq!(edit_distance("max", "maz"), 1);
        assert_eq!(edit_distance("jitter", "jiter"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
