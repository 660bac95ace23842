//! The expansion uses fully qualified paths and names no user code can see or clash with.
#![cfg(feature = "tokio")]
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
    // hygiene); module-level items of those names do not either (`module_items` below).
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

/// Module-level items named like the expansion's locals: a `let` cannot bind a name that a
/// `const`, a `static` or a unit struct in scope has (E0530), so the expansion shadows them
/// with its own for its code. And the body's names are the user's: `__RETRY_POLICY` here is
/// this module's const, not a policy of the expansion.
mod module_items {
    #![allow(non_upper_case_globals, non_camel_case_types)]

    use ::retry_runtime::{TimedOut, retry, testing};

    const __retry_state: u8 = 1;
    struct __retry_outcome;
    static __retry_delay: u8 = 2;
    const __retry_early: u8 = 3;
    const __retry_hedging: u8 = 4;
    const __retry_policy: u8 = 5;
    const __retry_error: u8 = 6;
    const __RETRY_POLICY: u32 = 42;

    #[derive(Debug, PartialEq)]
    struct Error;

    impl ::core::fmt::Display for Error {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            f.write_str("error")
        }
    }

    impl ::core::convert::From<TimedOut> for Error {
        fn from(_: TimedOut) -> Self {
            Error
        }
    }

    #[retry(max = 2, base = "1ms", on_retry = |_| ())]
    fn sync(fail: bool) -> ::core::result::Result<u32, Error> {
        if fail {
            ::core::result::Result::Err(Error)
        } else {
            ::core::result::Result::Ok(__RETRY_POLICY)
        }
    }

    #[retry(max = 2, base = ::core::time::Duration::from_millis(1), attempt_timeout = "1s")]
    async fn with_a_local_policy() -> ::core::result::Result<u32, Error> {
        ::core::result::Result::Ok(__RETRY_POLICY)
    }

    #[retry(max = 2, hedge = "1s")]
    async fn hedged() -> ::core::result::Result<u32, Error> {
        ::core::result::Result::Ok(__RETRY_POLICY)
    }

    #[test]
    fn do_not_break_the_expansion() {
        ::core::assert_eq!(sync(false), ::core::result::Result::Ok(42));
        let (out, delays) = testing::record(|| sync(true));
        ::core::assert_eq!((out, delays.len()), (::core::result::Result::Err(Error), 1));
        let _ = (__retry_state, __retry_outcome, __retry_delay, __retry_early);
        let _ = (__retry_hedging, __retry_policy, __retry_error);
    }

    #[tokio::test]
    async fn nor_the_async_and_hedged_expansions() {
        ::core::assert_eq!(with_a_local_policy().await, ::core::result::Result::Ok(42));
        ::core::assert_eq!(hedged().await, ::core::result::Result::Ok(42));
    }
}
