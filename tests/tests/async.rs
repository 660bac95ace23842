//! Async fns: the same loop with `.await`, a `Send` future, and sleeps through tokio.
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{retry, testing};

#[derive(Debug, PartialEq)]
struct Unavailable(u32);

async fn flaky(calls: &AtomicU32, succeed_on: u32) -> Result<u32, Unavailable> {
    tokio::task::yield_now().await;
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    if n >= succeed_on {
        Ok(n)
    } else {
        Err(Unavailable(n))
    }
}

#[retry(max = 10, base = "500ms")]
async fn call(calls: &AtomicU32, succeed_on: u32) -> Result<u32, Unavailable> {
    flaky(calls, succeed_on).await
}

#[tokio::test]
async fn retries_until_success_with_the_schedule() {
    let calls = AtomicU32::new(0);
    let (result, delays) = testing::record_async(call(&calls, 4)).await;
    assert_eq!(result, Ok(4));
    assert_eq!(delays, [500, 1000, 2000].map(Duration::from_millis));
}

#[tokio::test]
async fn gives_up_after_max_calls_with_the_last_error() {
    let calls = AtomicU32::new(0);
    let (result, delays) = testing::record_async(call(&calls, u32::MAX)).await;
    assert_eq!(result, Err(Unavailable(10)));
    assert_eq!(calls.load(Ordering::SeqCst), 10);
    assert_eq!(delays.len(), 9);
}

#[tokio::test]
async fn a_fn_that_never_fails_is_polled_through_once() {
    let calls = AtomicU32::new(0);
    let (result, delays) = testing::record_async(call(&calls, 1)).await;
    assert_eq!(result, Ok(1));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(delays.is_empty());
}

#[tokio::test(start_paused = true)]
async fn sleeps_with_tokio_time() {
    let calls = AtomicU32::new(0);
    let start = tokio::time::Instant::now();
    assert_eq!(call(&calls, 3).await, Ok(3));
    // The paused clock advances by exactly the sleeps: 500 ms + 1 s.
    assert_eq!(start.elapsed(), Duration::from_millis(1500));
}

#[retry(max = 3, base = "0s")]
async fn early_return_and_question_mark(calls: &AtomicU32) -> Result<u32, String> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    if n == 1 {
        return Err("first attempt returns early".into());
    }
    let parsed: u32 = if n == 2 { "x" } else { "3" }
        .parse()
        .map_err(|e| format!("{e}"))?;
    Ok(parsed)
}

#[tokio::test]
async fn return_and_question_mark_end_one_attempt() {
    let calls = AtomicU32::new(0);
    assert_eq!(early_return_and_question_mark(&calls).await, Ok(3));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

struct Client {
    calls: u32,
    log: Vec<String>,
}

impl Client {
    #[retry(max = 5, base = "1ms")]
    async fn get(&mut self, path: &str) -> Result<String, String> {
        self.calls += 1;
        tokio::task::yield_now().await;
        self.log.push(format!("GET {path} #{}", self.calls));
        if self.calls < 3 {
            Err(format!("503 on {path}"))
        } else {
            Ok(format!("200 {path}"))
        }
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_future_is_send_with_mut_self_and_str_arguments() {
    let handle = tokio::spawn(async {
        let mut client = Client {
            calls: 0,
            log: Vec::new(),
        };
        let path = String::from("/items");
        let result = assert_send(client.get(&path)).await;
        (result, client.log)
    });
    let (result, log) = handle.await.unwrap();
    assert_eq!(result, Ok("200 /items".into()));
    assert_eq!(log, ["GET /items #1", "GET /items #2", "GET /items #3"]);
}

#[retry(max = 4, base = "0s", clone(payload))]
async fn consumes(payload: String, calls: Arc<AtomicU32>) -> Result<usize, String> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    let owned = payload; // moves this attempt's clone
    if n < 2 { Err(owned) } else { Ok(owned.len()) }
}

#[tokio::test]
async fn clone_gives_each_attempt_its_own_argument() {
    let calls = Arc::new(AtomicU32::new(0));
    assert_eq!(consumes("four".into(), calls.clone()).await, Ok(4));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_async_follows_the_future_across_threads() {
    let calls = Arc::new(AtomicU32::new(0));
    let task = {
        let calls = calls.clone();
        tokio::spawn(testing::record_async(async move { call(&calls, 3).await }))
    };
    let (result, delays) = task.await.unwrap();
    assert_eq!(result, Ok(3));
    assert_eq!(delays, [500, 1000].map(Duration::from_millis));
}
