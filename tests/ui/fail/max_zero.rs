use retry_runtime::retry;

#[retry(max = 0)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
