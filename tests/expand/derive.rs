#[derive(Retryable)]
enum ApiError {
    #[retry(transient, hint = retry_after)]
    Throttled { retry_after: Option<Duration> },
    #[retry(transient)]
    Unavailable,
    #[retry(permanent)]
    NotFound(u32),
    #[retry(from)]
    Database(DbError),
    #[retry(when = classify::io)]
    Io(std::io::Error),
}
