//! The `#[retry]` attribute. Use it through the `retry-runtime` crate, which re-exports it
//! and documents every key: `use retry_runtime::retry;`.

mod ast;
mod async_trait;
mod attr;
mod duration;
mod errors;
mod expand;
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
