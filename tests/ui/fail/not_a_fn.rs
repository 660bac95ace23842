use retry_runtime::retry;

#[retry(max = 3)]
struct NotAFn;

fn main() {
    let _ = NotAFn;
}
