//! The macro's parser and expander on arbitrary text: they never panic, a rejection always
//! carries an error, and the function is always emitted; the derive, on the same text as a
//! variant's attribute, never panics and always emits an impl. (proc-macro2 does not track span
//! positions under `cfg(fuzzing)`; `tests/tests/parser.rs` checks where the errors point.)
//!
//! `cargo +nightly fuzz run attribute fuzz/seeds -- -dict=fuzz/attribute.dict -max_total_time=3600`

#![no_main]
#![allow(dead_code)]

#[path = "../../retry-macro/src/ast.rs"]
mod ast;
#[path = "../../retry-macro/src/async_trait.rs"]
mod async_trait;
#[path = "../../retry-macro/src/attr.rs"]
mod attr;
#[path = "../../retry-macro/src/derive.rs"]
mod derive;
#[path = "../../retry-macro/src/duration.rs"]
mod duration;
#[path = "../../retry-macro/src/errors.rs"]
mod errors;
#[path = "../../retry-macro/src/grammar.rs"]
mod grammar;
#[path = "../../retry-macro/src/expand.rs"]
mod expand;
#[path = "../../retry-macro/src/keys.rs"]
mod keys;
#[path = "../../retry-macro/src/loops.rs"]
mod loops;
#[path = "../../retry-macro/src/valid.rs"]
mod valid;
#[path = "../../retry-macro/src/values.rs"]
mod values;

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use proc_macro2::TokenStream;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(tokens) = TokenStream::from_str(text) else { return };
    let mut errors = errors::Errors::default();
    attr::parse(tokens.clone(), &mut errors);
    if let Some(errors) = errors.into_error() {
        assert!(errors.into_iter().count() >= 1);
    }
    let item = TokenStream::from_str("fn f(a: String, b: &str) -> Result<u8, ()> { Ok(1) }").unwrap();
    let expanded = expand::retry(tokens, &item).to_string();
    assert!(expanded.contains("fn f"));
    // The same text as a variant's `#[retry(...)]` under `#[derive(Retryable)]`.
    let item = format!("enum E {{ #[retry({text})] A {{ after: Duration }}, #[retry(permanent)] B(u8) }}");
    if let Ok(item) = TokenStream::from_str(&item) {
        assert!(derive::retryable(item).to_string().contains("Retryable for"));
    }
});
