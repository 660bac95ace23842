use retry_runtime::retry;

#[retry(factor = 1e309)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
