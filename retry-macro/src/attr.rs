//! Parses the attribute's arguments, `#[retry(key = value, ...)]`, into [`Args`], by the
//! descriptions in [`keys`](crate::keys).
//!
//! Parsing goes on after a bad value (it skips to the next top-level comma), so that every
//! mistake in the attribute is reported at once, each at its own token.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::duration;
use crate::errors::Errors;
use crate::keys::{self, Form, KEYS, Key};

/// The keys that were given, each with the token it was given at, in the order of
/// [`KEYS`].
#[derive(Default)]
pub(crate) struct Args {
    given: Vec<Given>,
}

/// One key that was given, and its value.
pub(crate) struct Given {
    pub key: &'static Key,
    pub ident: Ident,
    pub value: Value,
}

/// A key's value, parsed by its [`Form`].
pub(crate) enum Value {
    Attempts(u32),
    Duration(DurationValue),
    /// A variant of the runtime's enum `ty`.
    Variant {
        ty: &'static str,
        variant: Ident,
    },
    Factor(f64),
    Expr(Box<Expr>),
    Path(Path),
    Names(Vec<Ident>),
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

/// The path of the runtime crate, kept as token trees. It is written several times per
/// expansion, and trees are appended to the output where a token stream would cost a round
/// trip to the compiler each time.
#[derive(Clone)]
pub(crate) struct Krate(Vec<TokenTree>);

impl Krate {
    pub(crate) fn new(path: TokenStream) -> Self {
        Krate(path.into_iter().collect())
    }
}

impl ToTokens for Krate {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.0.iter().cloned());
    }
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

impl Value {
    /// The value as the argument of its `Policy` setter or its judge call. `krate` is the
    /// path of the runtime.
    pub(crate) fn to_tokens(&self, krate: &Krate) -> TokenStream {
        match self {
            Value::Attempts(max) => proc_macro2::Literal::u32_unsuffixed(*max).into_token_stream(),
            Value::Duration(duration) => duration.to_token_stream(),
            Value::Variant { ty, variant } => {
                let ty = Ident::new(ty, variant.span());
                quote!(#krate::#ty::#variant)
            }
            Value::Factor(factor) => {
                proc_macro2::Literal::f64_unsuffixed(*factor).into_token_stream()
            }
            Value::Expr(expr) => expr.to_token_stream(),
            Value::Path(path) => path.to_token_stream(),
            Value::Names(names) => quote!(#(#names),*),
        }
    }
}

/// Parses the attribute's arguments; every mistake goes to `errors`, and the keys that
/// parsed are kept.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
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
    let index = |given: &Given| KEYS.iter().position(|key| key.name == given.key.name);
    args.given.sort_by_key(index);
    args
}

fn skip_to_comma(input: ParseStream<'_>) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}

fn parse_one(input: ParseStream<'_>, args: &mut Args) -> syn::Result<()> {
    let ident = input.call(Ident::parse_any).map_err(|error| {
        syn::Error::new(error.span(), format!("expected a key: {}", key_list()))
    })?;
    let Some(key) = keys::find(&ident.to_string()) else {
        return Err(unknown_key(&ident));
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

fn parse_value(input: ParseStream<'_>, key: &Key, ident: &Ident) -> syn::Result<Value> {
    // Every key but `clone(a, b)` is `key = value`.
    if !matches!(key.form, Form::Names) {
        if !input.peek(Token![=]) {
            let span = if input.is_empty() || input.peek(Token![,]) {
                ident.span()
            } else {
                input.span()
            };
            return Err(syn::Error::new(
                span,
                format!("`{ident}` takes a value, as in `{}`", key.example),
            ));
        }
        input.parse::<Token![=]>()?;
    }
    Ok(match key.form {
        Form::Attempts => Value::Attempts(parse_max(input, ident)?),
        Form::Duration => Value::Duration(parse_duration(input, ident, key.example)?),
        Form::Name { ty, names } => Value::Variant {
            ty,
            variant: parse_name(input, ident, names, key.example)?,
        },
        Form::Factor => Value::Factor(parse_factor(input, ident)?),
        Form::Expr { what } => Value::Expr(Box::new(parse_expr(input, ident, what)?)),
        Form::SleepPath => {
            let value = parse_expr(input, ident, "a path to `fn(Duration) -> impl Future`")?;
            if !matches!(value, Expr::Path(_)) {
                return Err(syn::Error::new_spanned(
                    value,
                    format!(
                        "`sleep` takes a path to an async sleep fn, such as `{}`; wrap other \
                         expressions in an `async fn(Duration)`",
                        key.example
                    ),
                ));
            }
            Value::Expr(Box::new(value))
        }
        Form::ModPath => Value::Path(Path::parse_mod_style(input).map_err(|error| {
            syn::Error::new(
                error.span(),
                format!(
                    "`crate` takes a path to the runtime crate, such as `{}`",
                    key.example
                ),
            )
        })?),
        Form::Names => Value::Names(parse_clone(input, ident, key.example)?),
    })
}

fn key_list() -> String {
    let keys: Vec<String> = KEYS.iter().map(Key::shown).collect();
    format!("one of {}", keys.join(", "))
}

fn unknown_key(key: &Ident) -> syn::Error {
    let name = key.to_string();
    let guess = KEYS
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

fn parse_duration(
    input: ParseStream<'_>,
    key: &Ident,
    example: &str,
) -> syn::Result<DurationValue> {
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
        "`{key}` takes a duration literal, such as `{example}`, or an expression of type `Duration`"
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
fn parse_name(
    input: ParseStream<'_>,
    key: &Ident,
    names: &[(&str, &str)],
    example: &str,
) -> syn::Result<Ident> {
    let list = names
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let span = input_span(input, key);
    let lit = input.parse::<LitStr>().map_err(|_| {
        syn::Error::new(
            span,
            format!("`{key}` takes a string, one of {list}, such as `{example}`"),
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
        Ok(factor) if factor.is_infinite() => Err(syn::Error::new(
            span,
            format!("{expected}: this one is too large for an `f64`"),
        )),
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

fn parse_clone(input: ParseStream<'_>, key: &Ident, example: &str) -> syn::Result<Vec<Ident>> {
    let expected = format!(
        "`clone` takes the names of by-value arguments in parentheses, such as `{example}`"
    );
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(input_span(input, key), expected));
    }
    let content;
    syn::parenthesized!(content in input);
    let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&content, Ident::parse_any)
        .map_err(|error| syn::Error::new(error.span(), &expected))?;
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
