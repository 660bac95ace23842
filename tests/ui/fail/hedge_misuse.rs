use retry_runtime::retry;

// A sync attempt cannot run beside another.
#[retry(max = 3, hedge = "50ms")]
fn blocking() -> Result<(), ()> {
    Ok(())
}

// A hedged call has no delays for the schedule keys to shape.
#[retry(max = 3, base = "1s", hedge = "50ms", jitter = "full", hint = |_| None)]
async fn scheduled() -> Result<(), ()> {
    Ok(())
}

struct Client;

impl Client {
    // Overlapping attempts cannot all borrow `self` mutably.
    #[retry(hedge = "50ms")]
    async fn exclusive(&mut self) -> Result<(), ()> {
        Ok(())
    }

    #[retry(hedge = "50ms")]
    async fn consumed(mut self) -> Result<(), ()> {
        Ok(())
    }
}

fn main() {
    let _ = blocking();
    let _ = scheduled();
    let _ = Client.exclusive();
    let _ = Client.consumed();
}
