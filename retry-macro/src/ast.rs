//! The item under `#[retry]`: a fn with a body, taken apart so that it can be printed back
//! exactly as written.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Signature, Token, Visibility};

use crate::async_trait::{self, Boxed};

/// A free fn, an inherent or trait impl method, or a trait method with a default body.
pub(crate) struct RetryFn {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub defaultness: Option<Token![default]>,
    pub sig: Signature,
    /// The body's inner attributes (`#![allow(...)]`): they apply to the whole fn, so
    /// they stay at the top of its body, outside the retry loop.
    pub inner_attrs: Vec<Attribute>,
    /// The body without its inner attributes, `{ ... }`, kept as tokens: it is printed back
    /// as written, so parsing its statements would only cost compile time.
    pub block: Group,
    /// The parts of the boxed future, when the fn is async-trait's expansion of an
    /// `async fn`.
    pub boxed: Option<Boxed>,
}

impl RetryFn {
    /// Whether the fn runs as a future: an `async fn`, or an `#[async_trait]` method.
    pub(crate) fn is_async(&self) -> bool {
        self.sig.asyncness.is_some() || self.boxed.is_some()
    }
}

impl RetryFn {
    /// Parses the fn before its body from `input`; `body` is the body, taken off the end
    /// of the item beforehand when it is there, so that syn never walks its tokens.
    fn parse_with(input: ParseStream<'_>, body: Option<Group>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let defaultness: Option<Token![default]> = input.parse()?;
        let start = input.span();
        let sig = input.parse::<Signature>().map_err(|_| {
            syn::Error::new(start, "`#[retry]` goes on a `fn` or `async fn` with a body")
        })?;
        if let Some(semi) = input.parse::<Option<Token![;]>>()? {
            return Err(syn::Error::new(
                semi.span,
                "`#[retry]` needs a fn with a body: give this trait method a default body, or \
                 put `#[retry]` on the method in each impl",
            ));
        }
        let block = match body {
            Some(block) if input.is_empty() => block,
            _ => return Err(input.error("expected the fn's body, `{ ... }`")),
        };
        let (inner_attrs, body) = if starts_with_inner_attribute(&block) {
            let split = |body: ParseStream<'_>| {
                let inner_attrs = body.call(Attribute::parse_inner)?;
                Ok((inner_attrs, body.parse::<TokenStream>()?))
            };
            let (inner_attrs, statements) = split.parse2(block.stream())?;
            let mut body = Group::new(Delimiter::Brace, statements);
            body.set_span(block.span());
            (inner_attrs, body)
        } else {
            // The common case: the body is kept as it came, without a walk over its tokens.
            (Vec::new(), block)
        };
        let boxed = async_trait::recognise(&sig, &body);
        Ok(RetryFn {
            attrs,
            vis,
            defaultness,
            sig,
            inner_attrs,
            block: body,
            boxed,
        })
    }
}

/// Whether a body starts with `#!`, an inner attribute.
fn starts_with_inner_attribute(block: &Group) -> bool {
    let mut tokens = block.stream().into_iter();
    matches!(
        (tokens.next(), tokens.next()),
        (Some(TokenTree::Punct(hash)), Some(TokenTree::Punct(bang)))
            if hash.as_char() == '#' && bang.as_char() == '!'
    )
}

/// Parses the item, or explains why it cannot be retried. The body, the item's last token
/// tree, is set aside first: it is printed back as written, so syn only sees what comes
/// before it.
pub(crate) fn parse(item: TokenStream) -> syn::Result<RetryFn> {
    let mut trees: Vec<TokenTree> = item.into_iter().collect();
    let body = match trees.pop() {
        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => Some(group),
        Some(other) => {
            trees.push(other);
            None
        }
        None => None,
    };
    let head: TokenStream = trees.into_iter().collect();
    (|input: ParseStream<'_>| RetryFn::parse_with(input, body)).parse2(head)
}
