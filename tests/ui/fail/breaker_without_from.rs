use retry_runtime::{CircuitBreaker, retry};

static BREAKER: CircuitBreaker = CircuitBreaker::new();

#[derive(Debug)]
struct Error;

#[retry(max = 3, breaker = &BREAKER)]
fn fetch() -> Result<u8, Error> {
    Err(Error)
}

fn main() {
    let _ = fetch();
}
