//! The values of the keys: each key's [`Form`] parsed into a [`Value`], with the message
//! that says what the key accepts, and each value written back as the expansion needs it.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::duration;
use crate::keys::{Custom, Form, Key};

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
    Ident(Ident),
    /// A key written alone.
    Flag,
    /// A field: its name, or its index in a tuple.
    Field(syn::Member),
    /// A path to a fn, in the variant `variant` of the runtime's enum `ty`.
    Custom {
        ty: &'static str,
        variant: &'static str,
        path: Box<Path>,
    },
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
            Value::Ident(ident) => ident.to_token_stream(),
            Value::Flag => TokenStream::new(),
            Value::Field(member) => member.to_token_stream(),
            Value::Custom { ty, variant, path } => {
                let span = path.span();
                let ty = Ident::new(ty, span);
                let variant = Ident::new(variant, span);
                quote!(#krate::#ty::#variant(#path))
            }
        }
    }
}

pub(crate) fn parse_value(input: ParseStream<'_>, key: &Key, ident: &Ident) -> syn::Result<Value> {
    // Every key but `clone(a, b)` and a flag is `key = value`.
    if matches!(key.form, Form::Flag) {
        if input.peek(Token![=]) || input.peek(syn::token::Paren) {
            return Err(syn::Error::new(
                input.span(),
                format!(
                    "`{ident}` takes no value: write it alone, as in `{}`",
                    key.example
                ),
            ));
        }
        return Ok(Value::Flag);
    }
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
        Form::Name {
            ty,
            names,
            custom: Some(custom),
        } if !input.peek(LitStr) => {
            let path = parse_custom(input, ident, names, custom, key.example)?;
            Value::Custom {
                ty,
                variant: custom.variant,
                path: Box::new(path),
            }
        }
        Form::Name { ty, names, custom } => Value::Variant {
            ty,
            variant: parse_name(input, ident, names, custom, key.example)?,
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
        Form::Ident => Value::Ident(parse_binding(input, ident, key.example)?),
        Form::Flag => Value::Flag,
        Form::Field => Value::Field(parse_field(input, ident, key.example)?),
    })
}

/// A field, by name (`retry_after`) or by index in a tuple (`0`).
fn parse_field(input: ParseStream<'_>, key: &Ident, example: &str) -> syn::Result<syn::Member> {
    let expected = format!(
        "`{key}` takes a field of the variant, by name or by index (`{key} = 0` in a tuple \
         variant), such as `{example}`"
    );
    let span = input_span(input, key);
    input
        .parse::<syn::Member>()
        .map_err(|_| syn::Error::new(span, expected))
}

/// A name to bind, such as `cx`: an identifier that a `let` can bind (not `_`, `self` or
/// another keyword).
fn parse_binding(input: ParseStream<'_>, key: &Ident, example: &str) -> syn::Result<Ident> {
    let expected = format!(
        "`{key}` takes a name to bind the attempt's `retry_runtime::Context` to in the body, \
         such as `{example}`"
    );
    let span = input_span(input, key);
    let fork = input.fork();
    match fork.call(Ident::parse_any) {
        Ok(name)
            if name == "_"
                || name == "self"
                || name == "Self"
                || name == "super"
                || name == "crate" =>
        {
            Err(syn::Error::new(
                name.span(),
                format!("{expected}; `{name}` cannot be bound"),
            ))
        }
        Ok(_) => input.parse::<Ident>().map_err(|error| {
            syn::Error::new(
                error.span(),
                format!("{expected}; a keyword cannot be bound"),
            )
        }),
        Err(_) => Err(syn::Error::new(span, expected)),
    }
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
/// The names of a [`Form::Name`], quoted, for its messages.
fn quoted(names: &[(&str, &str)]) -> String {
    names
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a [`Form::Name`] key takes, for its messages.
fn takes(key: &Ident, names: &[(&str, &str)], custom: Option<Custom>, example: &str) -> String {
    let list = quoted(names);
    match custom {
        Some(custom) => format!(
            "`{key}` takes a string, one of {list}, such as `{example}`, or a path to a \
             `{}`",
            custom.fn_type
        ),
        None => format!("`{key}` takes a string, one of {list}, such as `{example}`"),
    }
}

/// A path to a fn for the custom variant of a [`Form::Name`] key. A bare name of the
/// key's (`backoff = linear`) is the mistake of a missing pair of quotes, not a fn.
fn parse_custom(
    input: ParseStream<'_>,
    key: &Ident,
    names: &[(&str, &str)],
    custom: Custom,
    example: &str,
) -> syn::Result<Path> {
    let expected = takes(key, names, Some(custom), example);
    let span = input_span(input, key);
    let path = input
        .parse::<Path>()
        .map_err(|_| syn::Error::new(span, expected.clone()))?;
    if let Some(name) = path.get_ident() {
        if names.iter().any(|(known, _)| name == known) {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "{expected}: write the name quoted, `{key} = \"{name}\"`; a fn named \
                     `{name}` is written `self::{name}`"
                ),
            ));
        }
    }
    Ok(path)
}

fn parse_name(
    input: ParseStream<'_>,
    key: &Ident,
    names: &[(&str, &str)],
    custom: Option<Custom>,
    example: &str,
) -> syn::Result<Ident> {
    let list = quoted(names);
    let span = input_span(input, key);
    let lit = input
        .parse::<LitStr>()
        .map_err(|_| syn::Error::new(span, takes(key, names, custom, example)))?;
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
