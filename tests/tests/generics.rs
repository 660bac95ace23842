//! Generic fns, lifetimes, `where` clauses and `impl Trait` arguments.
#![cfg(feature = "tokio")]

use std::cell::Cell;
use std::fmt::Display;

use retry_runtime::{retry, testing};

#[retry(max = 4, base = "0s")]
fn parse_all<'a, T, I>(inputs: I, tries: &Cell<u32>) -> Result<Vec<T>, T::Err>
where
    T: std::str::FromStr,
    I: IntoIterator<Item = &'a str> + Clone,
{
    tries.set(tries.get() + 1);
    inputs.clone().into_iter().map(str::parse).collect()
}

#[test]
fn generic_fn_with_where_clause() {
    let tries = Cell::new(0);
    assert_eq!(parse_all::<u8, _>(["1", "2"], &tries), Ok(vec![1, 2]));
    assert_eq!(tries.get(), 1);
    let tries = Cell::new(0);
    assert!(parse_all::<u8, _>(["1", "x"], &tries).is_err());
    assert_eq!(tries.get(), 4);
}

#[retry(max = 3, base = "0s")]
fn longest<'a>(a: &'a str, b: &'a str, tries: &Cell<u32>) -> Option<&'a str> {
    tries.set(tries.get() + 1);
    if tries.get() < 2 {
        None
    } else if a.len() >= b.len() {
        Some(a)
    } else {
        Some(b)
    }
}

#[test]
fn borrowed_return_values() {
    let tries = Cell::new(0);
    assert_eq!(longest("ab", "abc", &tries), Some("abc"));
    assert_eq!(tries.get(), 2);
}

#[retry(max = 3, base = "1ms")]
fn show(value: impl Display, tries: &Cell<u32>) -> Result<String, String> {
    tries.set(tries.get() + 1);
    let text = value.to_string();
    if tries.get() < 3 { Err(text) } else { Ok(text) }
}

#[retry(max = 2, base = "1ms")]
fn opaque(tries: &Cell<u32>) -> Result<impl Display, u32> {
    tries.set(tries.get() + 1);
    if tries.get() < 2 {
        Err(tries.get())
    } else {
        Ok("opaque")
    }
}

#[test]
fn impl_trait_arguments_and_return_types() {
    let tries = Cell::new(0);
    let (out, delays) = testing::record(|| show(42, &tries));
    assert_eq!(out, Ok("42".into()));
    assert_eq!(delays.len(), 2);
    let tries = Cell::new(0);
    assert_eq!(
        opaque(&tries).map(|v| v.to_string()).ok().as_deref(),
        Some("opaque")
    );
}

#[retry(max = 3, base = "0s")]
async fn generic_async<T: Clone + PartialEq + Send + Sync>(value: &T, target: &T) -> Result<T, T> {
    tokio::task::yield_now().await;
    if value == target {
        Ok(value.clone())
    } else {
        Err(value.clone())
    }
}

#[tokio::test]
async fn generic_async_fn() {
    assert_eq!(generic_async(&1, &1).await, Ok(1));
    let (out, delays) = testing::record_async(generic_async(&1, &2)).await;
    assert_eq!((out, delays.len()), (Err(1), 2));
}
