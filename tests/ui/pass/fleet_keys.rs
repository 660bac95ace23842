//! `hint`, `budget` and `policy`, with every accepted form of budget and policy.
#![deny(warnings)]

use std::sync::Arc;
use std::time::Duration;

use retry_runtime::{Policy, RetryBudget, retry, retry_after};

static BUDGET: RetryBudget = RetryBudget::new(100, 0.1);
const POLICY: Policy = Policy::new().max_attempts(5).budget(&BUDGET);

struct Client {
    policy: Policy,
    budget: Arc<RetryBudget>,
}

impl Client {
    #[retry(policy = self.policy, budget = self.budget, hint = |e| retry_after(e))]
    fn get(&self) -> Result<(), String> {
        Ok(())
    }

    #[retry(policy = &POLICY, on_retry = |a| assert!(a.number > 0))]
    async fn get_async(&self) -> Option<u8> {
        Some(1)
    }
}

#[retry(max = 3, budget = &BUDGET, hint = |_| Some(Duration::from_secs(1)))]
fn with_static() -> Result<(), ()> {
    Ok(())
}

#[retry(budget = BUDGET)]
fn static_by_name() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let client = Client { policy: POLICY, budget: Arc::new(RetryBudget::new(10, 0.5)) };
    let _ = (client.get(), client.get_async(), with_static(), static_by_name());
}
