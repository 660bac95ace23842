//! A body that starts with inner attributes works as on a plain fn: they apply to the
//! whole fn.
#![deny(warnings)]

use retry_runtime::retry;

#[retry(max = 2, base = "0s")]
fn sync_body() -> Result<u8, ()> {
    #![allow(unused_variables)]
    //! Inner doc comments are inner attributes too.
    let unused = 1;
    Ok(2)
}

#[retry(max = 2, base = "0s")]
async fn async_body() -> Option<u8> {
    #![allow(unused_variables, clippy::all)]
    let unused = 1;
    Some(2)
}

struct Client;

impl Client {
    #[retry(max = 2, base = "0s", on_give_up = |g| eprintln!("{}", g.reason))]
    fn method(&self) -> Result<u8, ()> {
        #![allow(unused_variables)]
        let unused = self;
        Ok(3)
    }
}

fn main() {
    let _ = (sync_body(), async_body(), Client.method());
}
