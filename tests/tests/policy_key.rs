//! `policy = expr`: the schedule comes from a `Policy` value, evaluated at each call.

use std::cell::Cell;
use std::time::Duration;

use retry_runtime::{Backoff, Policy, retry, testing};

struct Client {
    /// Read from configuration at run time.
    policy: Policy,
}

impl Client {
    #[retry(policy = &self.policy, when = |code| *code >= 500)]
    fn get(&self, tries: &Cell<u32>) -> Result<(), u16> {
        tries.set(tries.get() + 1);
        Err(503)
    }
}

#[test]
fn the_policy_is_read_at_each_call() {
    let mut client = Client {
        policy: Policy::new()
            .max_attempts(4)
            .base(Duration::from_secs(1))
            .backoff(Backoff::Linear),
    };
    let tries = Cell::new(0);
    let (_, delays) = testing::record(|| client.get(&tries));
    assert_eq!(tries.get(), 4);
    assert_eq!(delays, [1, 2, 3].map(Duration::from_secs));

    client.policy = Policy::new().max_attempts(2).base(Duration::from_millis(5));
    let (_, delays) = testing::record(|| client.get(&tries));
    assert_eq!(delays, [Duration::from_millis(5)]);
}

fn configured() -> Policy {
    Policy::new()
        .max_attempts(3)
        .base(Duration::from_secs(7))
        .backoff(Backoff::Fixed)
}

#[retry(policy = configured())]
fn by_value() -> Option<()> {
    None
}

#[test]
fn a_policy_by_value_works_too() {
    assert_eq!(testing::record(by_value).1, [7, 7].map(Duration::from_secs));
}
