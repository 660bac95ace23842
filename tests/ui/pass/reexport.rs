//! `crate = path`: a crate that re-exports the runtime under another name.
#![deny(warnings)]

mod my_framework {
    pub use retry_runtime as retrying;
    pub use retry_runtime::retry;
}

use my_framework::retry;

#[retry(max = 2, base = "1ms", crate = my_framework::retrying, jitter = "full", backoff = "fixed")]
fn call() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = call();
}
