use retry_runtime::{CircuitBreaker, retry};

static BREAKER: CircuitBreaker = CircuitBreaker::new();

#[derive(Debug)]
struct Error;

#[retry(max = 3, hedge = "50ms", breaker = &BREAKER)]
async fn fetch() -> Result<u8, Error> {
    Err(Error)
}

fn main() {
    let _ = fetch();
}
