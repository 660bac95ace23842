//! Retry policies read from a configuration file (`examples/retry.toml`) with the `serde`
//! feature, in the keys and the duration grammar of `#[retry(...)]`, then used by a
//! `#[retry(policy = ..)]` fn and by the builders.
//!
//! ```text
//! cargo run --example policy_from_toml                     # examples/retry.toml
//! cargo run --example policy_from_toml -- my-retry.toml
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use retry_runtime::{Policy, retry, testing};

/// Fails twice, then answers: a dependency having a bad moment.
#[retry(policy = policy)]
fn charge(policy: &Policy, calls: &mut u32) -> Result<&'static str, &'static str> {
    *calls += 1;
    if *calls < 3 {
        Err("503")
    } else {
        Ok("charged")
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/retry.toml").to_owned());
    let text = std::fs::read_to_string(&path)?;
    let policies: BTreeMap<String, Policy> =
        toml::from_str(&text).map_err(|error| format!("{path}: {error}"))?;
    for (name, policy) in &policies {
        let schedule: Vec<String> = policy.delays().map(|delay| format!("{delay:?}")).collect();
        println!(
            "{name}: {} ({})",
            schedule.join(", "),
            toml::to_string(policy)?.trim().replace('\n', ", ")
        );
    }

    let payments = &policies["payments"];
    let mut calls = 0;
    let (answer, slept) = testing::record(|| charge(payments, &mut calls));
    println!("payments: {answer:?} after {calls} calls, sleeping {slept:?}");
    assert_eq!(answer, Ok("charged"));
    assert!(slept.iter().all(|delay| *delay <= Duration::from_secs(5)));

    let search = &policies["search"];
    let secs: Vec<u64> = search.delays().map(|delay| delay.as_secs()).collect();
    assert_eq!(secs, [4, 4, 4, 8, 10], "tenacity's numbers");

    // A key the attribute does not have is refused with the ones it has.
    let error = toml::from_str::<Policy>("retries = 3").unwrap_err();
    println!("a mistake: {}", error.message());
    Ok(())
}
