//! Every shape of fn that `#[retry]` accepts, sync and async.
#![deny(warnings)]

use std::fmt::Display;
use std::sync::Arc;

use retry_runtime::retry;

#[derive(Debug)]
pub struct Error;

/// Docs and attributes stay on the fn.
#[retry(max = 2, base = "1ms")]
#[inline]
pub fn free() -> Result<u8, Error> {
    Ok(1)
}

#[retry]
pub(crate) async fn free_async() -> Result<u8, Error> {
    Ok(1)
}

pub struct Service {
    name: String,
    calls: u32,
}

impl Service {
    #[retry(max = 2)]
    fn by_ref(&self) -> Result<&str, Error> {
        Ok(&self.name)
    }

    #[retry(max = 2)]
    fn by_mut(&mut self) -> Result<u32, Error> {
        self.calls += 1;
        Ok(self.calls)
    }

    #[retry(max = 2)]
    fn by_value(self) -> Result<String, Error> {
        Ok(self.name.clone())
    }

    #[retry(max = 2)]
    fn by_arc(self: Arc<Self>) -> Result<usize, Error> {
        Ok(self.name.len())
    }

    #[retry(max = 2)]
    async fn by_ref_async(&self, suffix: &str) -> Result<String, Error> {
        Ok(format!("{}{suffix}", self.name))
    }

    #[retry(max = 2)]
    async fn by_mut_async(&mut self) -> Result<u32, Error> {
        self.calls += 1;
        Ok(self.calls)
    }

    #[retry(max = 2)]
    async fn by_arc_async(self: Arc<Self>) -> Option<usize> {
        Some(self.name.len())
    }
}

#[allow(async_fn_in_trait)]
pub trait Fetch {
    fn fetch(&self, key: &str) -> Result<String, Error>;

    #[retry(max = 3)]
    fn fetch_default(&self) -> Result<String, Error> {
        self.fetch("default")
    }

    #[retry(max = 3)]
    async fn fetch_async_default(&self) -> Result<String, Error> {
        self.fetch("default")
    }
}

impl Fetch for Service {
    #[retry(max = 3, base = "1ms")]
    fn fetch(&self, key: &str) -> Result<String, Error> {
        Ok(format!("{}:{key}", self.name))
    }
}

#[retry(max = 2)]
fn generic<T: Clone + Display, E>(value: &T, make_error: fn() -> E) -> Result<String, E>
where
    E: std::fmt::Debug,
{
    if value.to_string().is_empty() { Err(make_error()) } else { Ok(value.to_string()) }
}

#[retry(max = 2)]
fn lifetimes<'a, 'b: 'a>(a: &'a str, _b: &'b str) -> Option<&'a str> {
    a.get(..1)
}

#[retry(max = 2)]
fn impl_trait_argument(value: impl Display) -> Result<String, Error> {
    Ok(value.to_string())
}

#[retry(max = 2)]
fn impl_trait_in_return() -> Result<impl Display, Error> {
    Ok(5)
}

#[retry(max = 2)]
async fn generic_async<T: Display + Sync>(value: &T) -> Result<String, Error> {
    Ok(value.to_string())
}

#[retry(max = 2)]
unsafe fn unsafe_fn(p: *const u8) -> Option<u8> {
    // SAFETY: callers pass a valid pointer.
    Some(unsafe { *p })
}

#[retry(max = 2)]
fn patterns((a, b): (u8, u8), _: u8, mut c: u8) -> Option<u8> {
    c += 1;
    a.checked_add(b)?.checked_add(c)
}

fn main() {
    let service = Service { name: "s".into(), calls: 0 };
    let _ = (free(), free_async(), service.by_ref(), service.fetch_default());
    let _ = (generic(&1, || Error), lifetimes("ab", "c"), impl_trait_argument(3));
    let _ = (impl_trait_in_return(), generic_async(&2), service.by_ref_async("!"));
    let _ = (service.fetch_async_default(), patterns((1, 2), 3, 4));
    let _ = unsafe { unsafe_fn(&7) };
    let mut service = service;
    let _ = (service.by_mut(), service.by_mut_async());
    let arc = Arc::new(Service { name: "a".into(), calls: 0 });
    let _ = (arc.clone().by_arc(), arc.by_arc_async());
    let _ = service.by_value();
}
