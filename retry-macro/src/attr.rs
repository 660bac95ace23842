//! Parses the attribute's arguments, `#[retry(key = value, ...)]`, into [`Args`].
//!
//! Parsing goes on after a bad value (it skips to the next top-level comma), so that every
//! mistake in the attribute is reported at once, each at its own token.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::duration;

/// The keys, in the order the docs list them.
pub(crate) const KEYS: &[&str] = &[
    "max",
    "base",
    "backoff",
    "factor",
    "max_delay",
    "jitter",
    "deadline",
    "when",
    "when_ok",
    "on_retry",
    "hint",
    "budget",
    "policy",
    "clone",
    "sleep",
    "crate",
];

const BACKOFFS: &[(&str, &str)] = &[
    ("exponential", "Exponential"),
    ("fixed", "Fixed"),
    ("linear", "Linear"),
    ("fibonacci", "Fibonacci"),
];

const JITTERS: &[(&str, &str)] = &[
    ("none", "None"),
    ("full", "Full"),
    ("equal", "Equal"),
    ("decorrelated", "Decorrelated"),
];

/// The attribute's arguments: each key that was given, with the token it was given at.
#[derive(Default)]
pub(crate) struct Args {
    pub max: Option<(Ident, u32)>,
    pub base: Option<(Ident, DurationValue)>,
    pub backoff: Option<(Ident, Ident)>,
    pub factor: Option<(Ident, f64)>,
    pub max_delay: Option<(Ident, DurationValue)>,
    pub jitter: Option<(Ident, Ident)>,
    pub deadline: Option<(Ident, DurationValue)>,
    pub when: Option<(Ident, Expr)>,
    pub when_ok: Option<(Ident, Expr)>,
    pub on_retry: Option<(Ident, Expr)>,
    pub hint: Option<(Ident, Expr)>,
    pub budget: Option<(Ident, Expr)>,
    pub policy: Option<(Ident, Expr)>,
    pub clone: Option<(Ident, Vec<Ident>)>,
    pub sleep: Option<(Ident, Expr)>,
    pub krate: Option<(Ident, Path)>,
}

/// A duration: a literal, already checked, or an expression of type `Duration`.
pub(crate) enum DurationValue {
    Literal { nanos: u128, span: Span },
    Expr(Box<Expr>),
}

impl ToTokens for DurationValue {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            DurationValue::Literal { nanos, span } => {
                tokens.extend(duration::to_tokens(*nanos, *span));
            }
            DurationValue::Expr(expr) => expr.to_tokens(tokens),
        }
    }
}

/// Parses the attribute's arguments, reporting every mistake.
pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut errors = Errors::default();
    let parser = |input: ParseStream<'_>| {
        while !input.is_empty() {
            if let Err(error) = parse_one(input, &mut args) {
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
    errors.finish(args)
}

#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

fn skip_to_comma(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}

fn parse_one(input: ParseStream<'_>, args: &mut Args) -> syn::Result<()> {
    let key = input.call(Ident::parse_any).map_err(|error| {
        syn::Error::new(error.span(), format!("expected a key: {}", key_list()))
    })?;
    let name = key.to_string();
    if name == "clone" {
        let names = parse_clone(input, &key)?;
        return set(&mut args.clone, key, names);
    }
    if !KEYS.contains(&name.as_str()) {
        return Err(unknown_key(&key));
    }
    if !input.peek(Token![=]) {
        let span = if input.is_empty() || input.peek(Token![,]) {
            key.span()
        } else {
            input.span()
        };
        return Err(syn::Error::new(
            span,
            format!("`{name}` takes a value, as in `{}`", example(&name)),
        ));
    }
    input.parse::<Token![=]>()?;
    if let Some((slot, what)) = expression_key(args, &name) {
        let value = parse_expr(input, &key, what)?;
        return set(slot, key, value);
    }
    match name.as_str() {
        "max" => {
            let value = parse_max(input, &key)?;
            set(&mut args.max, key, value)
        }
        "base" => {
            let value = parse_duration(input, &key)?;
            set(&mut args.base, key, value)
        }
        "max_delay" => {
            let value = parse_duration(input, &key)?;
            set(&mut args.max_delay, key, value)
        }
        "deadline" => {
            let value = parse_duration(input, &key)?;
            set(&mut args.deadline, key, value)
        }
        "backoff" => {
            let value = parse_name(input, &key, BACKOFFS)?;
            set(&mut args.backoff, key, value)
        }
        "jitter" => {
            let value = parse_name(input, &key, JITTERS)?;
            set(&mut args.jitter, key, value)
        }
        "factor" => {
            let value = parse_factor(input, &key)?;
            set(&mut args.factor, key, value)
        }
        "sleep" => {
            let value = parse_expr(input, &key, "a path to `fn(Duration) -> impl Future`")?;
            if !matches!(value, Expr::Path(_)) {
                return Err(syn::Error::new_spanned(
                    value,
                    "`sleep` takes a path to an async sleep fn, such as `sleep = smol_sleep`; \
                     wrap other expressions in an `async fn(Duration)`",
                ));
            }
            set(&mut args.sleep, key, value)
        }
        // `crate`, the only key left.
        _ => {
            let value = Path::parse_mod_style(input).map_err(|error| {
                syn::Error::new(
                    error.span(),
                    "`crate` takes a path to the runtime crate, such as `crate = my_crate::retry_runtime`",
                )
            })?;
            set(&mut args.krate, key, value)
        }
    }
}

/// The keys whose value is any expression: where it goes, and what it must be.
fn expression_key<'a>(
    args: &'a mut Args,
    name: &str,
) -> Option<(&'a mut Option<(Ident, Expr)>, &'static str)> {
    Some(match name {
        "when" => (&mut args.when, "a closure or fn `Fn(&E) -> bool`"),
        "when_ok" => (&mut args.when_ok, "a closure or fn `Fn(&T) -> bool`"),
        "on_retry" => (&mut args.on_retry, "a closure or fn `Fn(&Attempt<'_, R>)`"),
        "hint" => (
            &mut args.hint,
            "a closure or fn `Fn(&E) -> Option<Duration>`",
        ),
        "budget" => (
            &mut args.budget,
            "an expression of type `&RetryBudget`, such as `&BUDGET`",
        ),
        "policy" => (
            &mut args.policy,
            "an expression of type `Policy` or `&Policy`",
        ),
        _ => return None,
    })
}

/// A use of `key`, for "takes a value" errors.
fn example(key: &str) -> &'static str {
    match key {
        "max" => "max = 5",
        "base" | "max_delay" | "deadline" => "base = \"500ms\"",
        "backoff" => "backoff = \"exponential\"",
        "factor" => "factor = 2",
        "jitter" => "jitter = \"full\"",
        "sleep" => "sleep = my_runtime::sleep",
        "hint" => "hint = |e| e.retry_after()",
        "budget" => "budget = &BUDGET",
        "policy" => "policy = &self.retry_policy",
        "crate" => "crate = my_crate::retry_runtime",
        _ => "when = |e| e.is_transient()",
    }
}

/// Stores a key's value, or reports the key as repeated.
fn set<T>(slot: &mut Option<(Ident, T)>, key: Ident, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}` is given more than once"),
        ));
    }
    *slot = Some((key, value));
    Ok(())
}

fn key_list() -> String {
    let keys: Vec<String> = KEYS
        .iter()
        .map(|key| match *key {
            "clone" => "`clone(...)`".to_string(),
            key => format!("`{key}`"),
        })
        .collect();
    format!("one of {}", keys.join(", "))
}

fn unknown_key(key: &Ident) -> syn::Error {
    let name = key.to_string();
    let guess = KEYS
        .iter()
        .filter(|known| edit_distance(known, &name) <= 2)
        .min_by_key(|known| edit_distance(known, &name));
    let hint = match guess {
        Some(guess) => format!("; did you mean `{guess}`?"),
        None => String::new(),
    };
    syn::Error::new(
        key.span(),
        format!(
            "unknown key `{name}`: `#[retry]` takes {}{hint}",
            key_list()
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

fn parse_max(input: ParseStream<'_>, key: &Ident) -> syn::Result<u32> {
    let expected = "`max` takes an integer literal of at least 1 (the total attempts, the first call included), such as `max = 5`";
    let Ok(Lit::Int(lit)) = input.parse::<Lit>() else {
        return Err(syn::Error::new(input_span(input, key), expected));
    };
    match lit.base10_parse::<u32>() {
        Ok(0) => Err(syn::Error::new(
            lit.span(),
            "`max = 0` makes no call at all: `max` counts every attempt, the first call included, so it is at least 1",
        )),
        Ok(max) => Ok(max),
        Err(_) => Err(syn::Error::new(
            lit.span(),
            format!("{expected}; at most {}", u32::MAX),
        )),
    }
}

/// A span for an error about the value at the head of `input`: the value, or the key when
/// the value is missing.
fn input_span(input: ParseStream<'_>, key: &Ident) -> Span {
    // `input.span()` after a failed parse still points at the start of the value.
    if input.is_empty() {
        key.span()
    } else {
        input.span()
    }
}

fn parse_duration(input: ParseStream<'_>, key: &Ident) -> syn::Result<DurationValue> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        return match duration::parse(&lit.value()) {
            Ok(nanos) => Ok(DurationValue::Literal {
                nanos,
                span: lit.span(),
            }),
            Err(reason) => Err(syn::Error::new(
                lit.span(),
                format!(
                    "invalid duration {:?} for `{key}`: {reason}; expected {}",
                    lit.value(),
                    duration::EXPECTED
                ),
            )),
        };
    }
    let expected = format!(
        "`{key}` takes a duration literal, such as `{key} = \"500ms\"`, or an expression of type `Duration`"
    );
    let fork = input.fork();
    if let Ok(Lit::Int(_) | Lit::Float(_)) = fork.parse::<Lit>() {
        return Err(syn::Error::new(
            input.span(),
            format!("{expected}: a bare number has no unit"),
        ));
    }
    let expr = input
        .parse::<Expr>()
        .map_err(|_| syn::Error::new(input_span(input, key), expected))?;
    Ok(DurationValue::Expr(Box::new(expr)))
}

/// A string naming one of `names`; returns the runtime's variant, spanned at the string.
fn parse_name(input: ParseStream<'_>, key: &Ident, names: &[(&str, &str)]) -> syn::Result<Ident> {
    let list = names
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let span = input_span(input, key);
    let lit = input.parse::<LitStr>().map_err(|_| {
        syn::Error::new(
            span,
            format!(
                "`{key}` takes a string, one of {list}, such as `{key} = {}`",
                names[1].0
            ),
        )
    })?;
    let value = lit.value();
    match names.iter().find(|(name, _)| *name == value) {
        Some((_, variant)) => Ok(Ident::new(variant, lit.span())),
        None => Err(syn::Error::new(
            lit.span(),
            format!("unknown `{key}` {value:?}: expected one of {list}"),
        )),
    }
}

fn parse_factor(input: ParseStream<'_>, key: &Ident) -> syn::Result<f64> {
    let expected =
        "`factor` takes a number literal of at least 1, such as `factor = 2` or `factor = 1.5`";
    let span = input_span(input, key);
    let value = match input.parse::<Lit>() {
        Ok(Lit::Int(lit)) => lit.base10_parse::<f64>(),
        Ok(Lit::Float(lit)) => lit.base10_parse::<f64>(),
        _ => return Err(syn::Error::new(span, expected)),
    };
    match value {
        Ok(factor) if factor >= 1.0 && factor.is_finite() => Ok(factor),
        Ok(_) => Err(syn::Error::new(
            span,
            format!("{expected}: a factor below 1 would shrink the delays"),
        )),
        Err(_) => Err(syn::Error::new(span, expected)),
    }
}

fn parse_expr(input: ParseStream<'_>, key: &Ident, what: &str) -> syn::Result<Expr> {
    let span = input_span(input, key);
    input
        .parse::<Expr>()
        .map_err(|_| syn::Error::new(span, format!("`{key}` takes {what}")))
}

fn parse_clone(input: ParseStream<'_>, key: &Ident) -> syn::Result<Vec<Ident>> {
    let expected = "`clone` takes the names of by-value arguments in parentheses, such as `clone(request, body)`";
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(input_span(input, key), expected));
    }
    let content;
    syn::parenthesized!(content in input);
    let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&content, Ident::parse_any)
        .map_err(|error| syn::Error::new(error.span(), expected))?;
    if names.is_empty() {
        return Err(syn::Error::new(key.span(), expected));
    }
    let mut seen: Vec<Ident> = Vec::new();
    for name in names {
        if seen.contains(&name) {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` is listed twice in `clone(...)`"),
            ));
        }
        seen.push(name);
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn error(tokens: TokenStream) -> String {
        match parse(tokens) {
            Ok(_) => panic!("expected an error"),
            Err(error) => error
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn accepts_every_key() {
        let args = parse(quote! {
            max = 10, base = "500ms", backoff = "linear", factor = 1.5, max_delay = "1m",
            jitter = "full", deadline = Duration::from_secs(30), when = |e| e.retry(),
            when_ok = |v| v.is_empty(), on_retry = log, clone(a, b), sleep = smol::sleep,
            crate = my::retry_runtime, hint = |e| e.after, budget = &BUDGET,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.max.map(|(_, max)| max), Some(10));
        assert_eq!(
            args.backoff.map(|(_, v)| v.to_string()).as_deref(),
            Some("Linear")
        );
        assert_eq!(
            args.jitter.map(|(_, v)| v.to_string()).as_deref(),
            Some("Full")
        );
        assert_eq!(args.factor.map(|(_, f)| f), Some(1.5));
        assert!(matches!(
            args.base,
            Some((
                _,
                DurationValue::Literal {
                    nanos: 500_000_000,
                    ..
                }
            ))
        ));
        assert!(matches!(args.deadline, Some((_, DurationValue::Expr(_)))));
        assert_eq!(args.clone.map(|(_, names)| names.len()), Some(2));
        assert!(args.when.is_some() && args.when_ok.is_some() && args.on_retry.is_some());
        assert!(args.sleep.is_some() && args.krate.is_some() && args.max_delay.is_some());
        assert!(args.hint.is_some() && args.budget.is_some() && args.policy.is_none());
        assert!(parse(quote!(policy = POLICY, when = |e| true)).is_ok());
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
            (quote!(backoff = exponential), "`backoff` takes a string"),
            (
                quote!(jitter = "some"),
                "\"none\", \"full\", \"equal\", \"decorrelated\"",
            ),
            (quote!(factor = 0.9), "at least 1"),
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
