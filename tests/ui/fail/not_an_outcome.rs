use retry_runtime::retry;

#[retry(max = 3)]
fn f() -> u32 {
    7
}

fn main() {
    let _ = f();
}
