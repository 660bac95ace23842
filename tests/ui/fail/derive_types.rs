use retry_runtime::Retryable;

#[derive(Retryable)]
enum WrongHint {
    #[retry(transient, hint = 0)]
    Seconds(u64),
}

struct NotRetryable;

#[derive(Retryable)]
enum WrongFrom {
    #[retry(from)]
    Inner(NotRetryable),
}

fn main() {
    let _ = (WrongHint::Seconds(1).retryable(), WrongFrom::Inner(NotRetryable).retryable());
}
