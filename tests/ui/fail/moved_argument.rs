use retry_runtime::retry;

fn send(_: String) -> Result<(), ()> {
    Ok(())
}

// The body moves `message`, so it cannot run twice: `clone(message)` is the fix.
#[retry(max = 3)]
fn f(message: String) -> Result<(), ()> {
    send(message)
}

fn main() {
    let _ = f(String::new());
}
