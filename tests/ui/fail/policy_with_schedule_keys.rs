use retry_runtime::{Policy, retry};

const POLICY: Policy = Policy::new();

#[retry(policy = POLICY, max = 5, jitter = "full")]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
