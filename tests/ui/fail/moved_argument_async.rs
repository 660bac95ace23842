use retry_runtime::retry;

async fn send(_: String) -> Result<(), ()> {
    Ok(())
}

// The body moves `message`, so it cannot run twice: `clone(message)` is the fix.
#[retry(max = 3)]
async fn f(message: String) -> Result<(), ()> {
    send(message).await
}

fn main() {
    let _ = f(String::new());
}
