//! `#[retry]` on the methods of `#[async_trait]` impls and traits: the retry loop runs
//! inside the boxed future, which stays `Send`, and is called through `dyn Trait`.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use retry_runtime::{TimedOut, retry};

#[derive(Debug, PartialEq)]
enum Error {
    Unavailable,
    NotFound,
    TimedOut,
}

impl From<TimedOut> for Error {
    fn from(_: TimedOut) -> Self {
        Error::TimedOut
    }
}

#[async_trait]
trait Api: Send + Sync {
    async fn get(&self, id: u32) -> Result<u32, Error>;
    async fn send(&self, body: String) -> Result<usize, Error>;
    async fn bump(&mut self) -> Option<u32>;

    /// A default body, retried in the trait itself.
    #[retry(max = 3, base = "1ms")]
    async fn ping(&self) -> Result<u32, Error> {
        self.get(0).await
    }
}

struct Service {
    calls: AtomicU32,
    fail_first: u32,
    hang_first: u32,
    count: u32,
}

impl Service {
    fn new(fail_first: u32, hang_first: u32) -> Self {
        Service {
            calls: AtomicU32::new(0),
            fail_first,
            hang_first,
            count: 0,
        }
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Api for Service {
    #[retry(
        max = 5,
        base = "1ms",
        attempt_timeout = "50ms",
        when = |e| *e != Error::NotFound && self.fail_first < 100,
    )]
    async fn get(&self, id: u32) -> Result<u32, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.hang_first {
            std::future::pending::<()>().await;
        }
        if id == 404 {
            return Err(Error::NotFound);
        }
        if n <= self.hang_first + self.fail_first {
            return Err(Error::Unavailable);
        }
        Ok(id + n)
    }

    #[retry(max = 3, base = "1ms", clone(body))]
    async fn send(&self, body: String) -> Result<usize, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let consumed: Vec<u8> = body.into_bytes();
        if n < 3 {
            Err(Error::Unavailable)
        } else {
            Ok(consumed.len())
        }
    }

    #[retry(max = 4, base = "1ms", when_ok = |v| *v < 3)]
    async fn bump(&mut self) -> Option<u32> {
        self.count += 1;
        Some(self.count)
    }
}

fn spawn_and_wait<T: Send + 'static>(future: impl Future<Output = T> + Send + 'static) -> T {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async { tokio::spawn(future).await.expect("the task") })
}

#[test]
fn through_arc_dyn_trait_on_a_multithreaded_runtime() {
    let api: Arc<dyn Api> = Arc::new(Service::new(2, 0));
    let task = Arc::clone(&api);
    assert_eq!(spawn_and_wait(async move { task.get(7).await }), Ok(10));
    let not_found: Arc<dyn Api> = Arc::new(Service::new(0, 0));
    let task = Arc::clone(&not_found);
    assert_eq!(
        spawn_and_wait(async move { task.get(404).await }),
        Err(Error::NotFound)
    );
}

#[test]
fn hung_attempts_are_cut_and_retried_through_box_dyn_trait() {
    let api: Box<dyn Api> = Box::new(Service::new(0, 2));
    let (outcome, calls) = spawn_and_wait(async move {
        let outcome = api.get(1).await;
        (outcome, api.ping().await.map(|_| ()))
    });
    // Two hung attempts cut after 50 ms each, then an answer: 1 + 3.
    assert_eq!(outcome, Ok(4));
    assert_eq!(calls, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn every_attempt_hanging_ends_with_the_timeout() {
    let service = Service::new(0, 100);
    let start = tokio::time::Instant::now();
    assert_eq!(service.get(1).await, Err(Error::TimedOut));
    assert_eq!(service.calls(), 5);
    // 5 attempts of 50 ms, and 1 + 2 + 4 + 8 ms of backoff.
    assert_eq!(start.elapsed(), Duration::from_millis(265));
}

#[tokio::test]
async fn by_value_arguments_are_cloned_per_attempt() {
    let service = Service::new(0, 0);
    assert_eq!(service.send("hello".into()).await, Ok(5));
    assert_eq!(service.calls(), 3);
}

#[tokio::test]
async fn mut_self_methods_retry_through_box_dyn_trait() {
    let mut api: Box<dyn Api> = Box::new(Service::new(0, 0));
    assert_eq!(api.bump().await, Some(3));
}

#[test]
fn the_boxed_future_is_send() {
    fn send<T: Send>(_: &T) {}
    let service = Service::new(0, 0);
    send(&service.get(1));
    send(&service.ping());
}

#[async_trait]
trait Remote: Send + Sync {
    async fn fetch(&self) -> Result<u32, Error>;
}

struct Hanging {
    calls: AtomicU32,
}

#[async_trait]
impl Remote for Hanging {
    #[retry(max = 10, base = "500ms", attempt_timeout = "2s", deadline = "10s")]
    async fn fetch(&self) -> Result<u32, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }
}

#[tokio::test(start_paused = true)]
async fn a_spawned_call_through_arc_dyn_returns_within_its_deadline() {
    let remote = Arc::new(Hanging {
        calls: AtomicU32::new(0),
    });
    let api: Arc<dyn Remote> = Arc::clone(&remote) as Arc<dyn Remote>;
    let start = tokio::time::Instant::now();
    let outcome = tokio::spawn(async move { api.fetch().await })
        .await
        .expect("the task");
    assert_eq!(outcome, Err(Error::TimedOut));
    // 2 + 0.5 + 2 + 1 + 2 + 2: 9.5 s, and the 4th attempt gets the 0.5 s left.
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(remote.calls.load(Ordering::SeqCst), 4);
}

/// Paths from the current module in the keys (`self::BUDGET`) stay paths inside
/// `#[async_trait]`, where the receiver `self` is renamed `__self`.
mod module_paths {
    use super::Error;
    use async_trait::async_trait;
    use retry_runtime::{Policy, RetryBudget, retry};

    static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);
    const POLICY: Policy = Policy::new().max_attempts(4);

    fn transient(error: &Error) -> bool {
        *error == Error::Unavailable
    }

    #[async_trait]
    trait Paths {
        async fn by_policy(&self) -> Result<u32, Error>;
        async fn by_keys(&self) -> Result<u32, Error>;
    }

    struct Failing(std::sync::atomic::AtomicU32);

    #[async_trait]
    impl Paths for Failing {
        #[retry(policy = self::POLICY, when = self::transient)]
        async fn by_policy(&self) -> Result<u32, Error> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Err(Error::Unavailable)
        }

        #[retry(max = 3, base = "0s", budget = &self::BUDGET, when = |e| self::transient(e) && self.0.load(std::sync::atomic::Ordering::SeqCst) < 100)]
        async fn by_keys(&self) -> Result<u32, Error> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Err(Error::NotFound)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn are_not_renamed() {
        let failing = Failing(std::sync::atomic::AtomicU32::new(0));
        assert_eq!(failing.by_policy().await, Err(Error::Unavailable));
        assert_eq!(failing.0.load(std::sync::atomic::Ordering::SeqCst), 4);
        assert_eq!(failing.by_keys().await, Err(Error::NotFound));
        assert_eq!(failing.0.load(std::sync::atomic::Ordering::SeqCst), 5);
        assert!((BUDGET.tokens() - 10.0).abs() < 1e-9);
    }
}

#[async_trait]
trait Keyed: Send + Sync {
    /// Each attempt's number and the call's id, as a client would send them.
    async fn keys(&self) -> Result<Vec<(u32, u128)>, Vec<(u32, u128)>>;
}

struct Recorder {
    sent: std::sync::Mutex<Vec<(u32, u128)>>,
}

#[async_trait]
impl Keyed for Recorder {
    #[retry(max = 3, base = "1ms", context = cx)]
    async fn keys(&self) -> Result<Vec<(u32, u128)>, Vec<(u32, u128)>> {
        let mut sent = self.sent.lock().unwrap();
        sent.push((cx.attempt, cx.call_id));
        if cx.attempt < 3 {
            Err(sent.clone())
        } else {
            Ok(sent.clone())
        }
    }
}

#[test]
fn the_context_reaches_the_boxed_future_of_a_method() {
    let api: Arc<dyn Keyed> = Arc::new(Recorder {
        sent: std::sync::Mutex::default(),
    });
    let sent = spawn_and_wait(async move { api.keys().await }).expect("the third attempt");
    assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(sent.iter().all(|s| s.1 == sent[0].1 && s.1 != 0));
}
