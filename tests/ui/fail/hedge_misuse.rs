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

// Overlapping attempts cannot all borrow an argument mutably.
#[retry(hedge = "50ms")]
async fn mutable_arguments(buffer: &mut Vec<u8>, mut count: u32) -> Result<(), ()> {
    buffer.push(1);
    count += 1;
    let _ = count;
    Ok(())
}

fn main() {
    let _ = mutable_arguments(&mut Vec::new(), 0);
    let _ = blocking();
    let _ = scheduled();
    let _ = Client.exclusive();
    let _ = Client.consumed();
}
