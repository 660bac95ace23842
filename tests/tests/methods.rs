//! Methods: every receiver, trait impl methods and trait default methods.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{retry, testing};

#[derive(Default)]
struct Service {
    calls: AtomicU32,
    fail_first: u32,
}

impl Service {
    fn hit(&self) -> Result<u32, String> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.fail_first {
            Err(format!("fail {n}"))
        } else {
            Ok(n)
        }
    }

    #[retry(max = 5, base = "1s")]
    fn by_ref(&self) -> Result<u32, String> {
        self.hit()
    }

    #[retry(max = 5, base = "1s")]
    fn by_mut(&mut self) -> Result<u32, String> {
        self.fail_first = self.fail_first.saturating_sub(1); // each attempt mutates self
        self.hit()
    }

    #[retry(max = 5, base = "1s")]
    fn by_value(self) -> Result<u32, String> {
        self.hit()
    }

    #[retry(max = 5, base = "1s")]
    fn by_arc(self: Arc<Self>) -> Result<u32, String> {
        self.hit()
    }

    #[retry(max = 5, base = "1s")]
    async fn by_ref_async(&self) -> Result<u32, String> {
        self.hit()
    }
}

#[test]
fn every_receiver_retries() {
    let service = Service {
        fail_first: 2,
        ..Service::default()
    };
    let (out, delays) = testing::record(|| service.by_ref());
    assert_eq!((out, delays.len()), (Ok(3), 2));

    let mut service = Service {
        fail_first: 4,
        ..Service::default()
    };
    // Attempt 1 lowers fail_first to 3 and fails (call 1); attempt 2: 2, fails (call 2);
    // attempt 3: 1, succeeds (call 3).
    let (out, delays) = testing::record(|| service.by_mut());
    assert_eq!((out, delays.len()), (Ok(3), 2));

    let service = Service {
        fail_first: 1,
        ..Service::default()
    };
    let (out, delays) = testing::record(|| service.by_value());
    assert_eq!((out, delays.len()), (Ok(2), 1));

    let service = Arc::new(Service {
        fail_first: 3,
        ..Service::default()
    });
    let (out, delays) = testing::record(|| service.clone().by_arc());
    assert_eq!((out, delays.len()), (Ok(4), 3));
}

#[tokio::test]
async fn async_methods_retry() {
    let service = Service {
        fail_first: 1,
        ..Service::default()
    };
    let (out, delays) = testing::record_async(service.by_ref_async()).await;
    assert_eq!(out, Ok(2));
    assert_eq!(delays, [Duration::from_secs(1)]);
}

trait Fetch {
    fn attempt(&self) -> Result<u32, String>;

    #[retry(max = 3, base = "2s")]
    fn fetch(&self) -> Result<u32, String> {
        self.attempt()
    }
}

impl Fetch for Service {
    #[retry(max = 2, base = "5s")]
    fn attempt(&self) -> Result<u32, String> {
        self.hit()
    }
}

#[test]
fn trait_default_and_impl_methods_retry_and_nest() {
    let service = Service {
        fail_first: 3,
        ..Service::default()
    };
    // `fetch` retries `attempt`, which retries once itself: calls 1,2 fail (inner), the
    // outer sleeps 2 s, then calls 3 (fails), 4 (succeeds).
    let (out, delays) = testing::record(|| service.fetch());
    assert_eq!(out, Ok(4));
    let secs: Vec<u64> = delays.iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [5, 2, 5]);
}
