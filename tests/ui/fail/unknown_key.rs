use retry_runtime::retry;

#[retry(maxx = 3)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
