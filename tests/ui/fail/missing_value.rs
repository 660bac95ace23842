use retry_runtime::retry;

#[retry(max, when)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
