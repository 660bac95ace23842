//! The expansion uses fully qualified paths and names no user code can see or clash with.
#![deny(unused_qualifications)]
#![allow(dead_code, non_camel_case_types)]

// Shadow everything the expansion could otherwise pick up by accident.
mod core {}
mod std {}
mod retry_runtime {}
struct Option;
struct Some;
struct None;
struct Result;
struct Duration;
struct Policy;
struct Retry;
struct Clone;

use ::retry_runtime::{retry, testing};

type Outcome = ::core::result::Result<u32, ::std::string::String>;

#[retry(max = 3, base = "1ms", clone(name), on_retry = |a| ::std::eprintln!("{}", a.number))]
fn shadowed(name: ::std::string::String, calls: &::core::cell::Cell<u32>) -> Outcome {
    // User variables with the expansion's own names do not interfere with it (mixed-site
    // hygiene). Module-level constants of those names would: a `let` cannot shadow a
    // `const`, in any macro's expansion.
    let __retry_state = 1u32;
    let __retry_outcome = 2u32;
    let __retry_delay = 3u32;
    calls.set(calls.get() + __retry_state);
    let owned = name;
    if calls.get() < 3 {
        ::core::result::Result::Err(owned)
    } else {
        ::core::result::Result::Ok(__retry_outcome + __retry_delay + calls.get())
    }
}

#[retry(max = 2, base = "1ms")]
async fn shadowed_async(fail: bool) -> Outcome {
    let __retry_early = 4u32;
    if fail {
        ::core::result::Result::Err(::std::string::String::new())
    } else {
        ::core::result::Result::Ok(__retry_early)
    }
}

#[test]
fn expands_with_shadowed_prelude_and_std() {
    let calls = ::core::cell::Cell::new(0);
    let (out, delays) = testing::record(|| shadowed("n".into(), &calls));
    ::core::assert_eq!(out, ::core::result::Result::Ok(8));
    ::core::assert_eq!(delays.len(), 2);
}

#[tokio::test]
async fn async_expands_with_shadowed_prelude_and_std() {
    ::core::assert_eq!(shadowed_async(false).await, ::core::result::Result::Ok(4));
    let (out, delays) = testing::record_async(shadowed_async(true)).await;
    ::core::assert!(out.is_err());
    ::core::assert_eq!(delays.len(), 1);
}
