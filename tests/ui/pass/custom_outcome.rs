//! A user type implementing `Outcome`.
#![deny(warnings)]

use retry_runtime::{Outcome, retry};

pub enum Response {
    Ok(String),
    Unavailable { retry_in_ms: u64 },
}

impl Outcome for Response {
    type Success = String;
    type Failure = u64;

    fn failure(&self) -> Option<&u64> {
        match self {
            Response::Unavailable { retry_in_ms } => Some(retry_in_ms),
            Response::Ok(_) => None,
        }
    }

    fn success(&self) -> Option<&String> {
        match self {
            Response::Ok(body) => Some(body),
            Response::Unavailable { .. } => None,
        }
    }
}

#[retry(max = 2, when = |ms| *ms < 1000, when_ok = |body| body.is_empty())]
fn call() -> Response {
    Response::Ok("fine".into())
}

fn main() {
    let _ = call();
}
