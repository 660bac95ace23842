//! One-expression bodies do not warn (`unused_braces`), sync, async, hedged or with
//! `clone(...)`.
#![deny(warnings)]

use retry_runtime::retry;

#[retry(max = 2)]
async fn five() -> Option<u8> { Some(5) }

#[retry(max = 2, clone(name))]
async fn named(name: String) -> Option<String> { Some(name) }

#[retry(max = 2, hedge = "10ms")]
async fn hedged() -> Option<u8> { Some(5) }

#[retry(max = 2)]
fn sync() -> Option<u8> { Some(5) }

fn main() {
    let _ = (five(), named(String::new()), hedged(), sync());
}
