//! The `#[retry]` attribute. Use it through the `retry-runtime` crate, which re-exports it
//! and documents every key: `use retry_runtime::retry;`.

mod ast;
mod async_trait;
mod attr;
mod derive;
mod duration;
mod errors;
mod expand;
mod grammar;
mod keys;
mod loops;
mod valid;
mod values;

use proc_macro::TokenStream;

/// Retries a fallible `fn` or `async fn`; see the `retry_runtime` crate for the keys.
#[proc_macro_attribute]
pub fn retry(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::retry(args.into(), &item.into()).into()
}

/// Classifies a failure type where it is defined: each variant (or the struct) carries
/// `#[retry(transient)]`, `#[retry(permanent)]`, `#[retry(from)]` or `#[retry(when = path)]`;
/// see `retry_runtime::Retryable`.
#[proc_macro_derive(Retryable, attributes(retry))]
pub fn derive_retryable(item: TokenStream) -> TokenStream {
    derive::retryable(item.into()).into()
}
