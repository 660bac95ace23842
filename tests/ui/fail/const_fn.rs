use retry_runtime::retry;

#[retry(max = 3)]
const fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
