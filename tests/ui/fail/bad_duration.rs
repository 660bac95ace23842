use retry_runtime::retry;

#[retry(base = "5 sec")]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(max_delay = "30s1m")]
fn g() -> Result<(), ()> {
    Ok(())
}

#[retry(deadline = 30)]
fn h() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g(), h());
}
