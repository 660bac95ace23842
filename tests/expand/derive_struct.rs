#[derive(Retryable)]
#[retry(transient, hint = 0)]
struct Busy<T>(Duration, T);
