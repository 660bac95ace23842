use retry_runtime::retry;

#[derive(Debug)]
struct MyError;

// A hedge started by its timer tells `on_retry` of the attempt it overtakes as `TimedOut`,
// which `MyError` cannot stand for.
#[retry(max = 3, hedge = "50ms", on_retry = |a| println!("{}", a.number))]
async fn fetch() -> Result<(), MyError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
