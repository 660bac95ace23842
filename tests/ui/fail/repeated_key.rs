use retry_runtime::retry;

#[retry(max = 3, base = "1s", max = 4)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
