use retry_runtime::retry;

#[retry(max = 3)]
fn f() {}

fn main() {
    f();
}
