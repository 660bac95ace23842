//! Against a real HTTP service on a loopback port: recovery, giving up after exactly `max`
//! requests, a hanging request cut by the client's timeout, and a spawned call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use retry_examples::{CallError, Client, FlakyServer, SUCCESS_BODY, Script};
use retry_runtime::Policy;

fn policy(max: u32) -> Policy {
    Policy::new()
        .max_attempts(max)
        .base(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

async fn server(hang: u32, fail: u32) -> FlakyServer {
    FlakyServer::start(Script {
        hang,
        fail,
        retry_after: None,
    })
    .await
    .expect("a loopback port")
}

#[tokio::test]
async fn recovers_after_ten_failures_with_max_eleven() {
    let server = server(0, 10).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let client = Client::new(server.url(), policy(11), Duration::from_secs(5)).on_retry(move |a| {
        log.lock()
            .unwrap()
            .push((a.number, a.error().map(ToString::to_string)));
    });
    assert_eq!(client.get().await.unwrap(), SUCCESS_BODY);
    assert_eq!(server.hits(), 11);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 10);
    assert_eq!(seen[9], (10, Some("503 Service Unavailable".to_string())));
}

#[tokio::test]
async fn exactly_max_requests_reach_a_service_that_never_recovers() {
    let server = server(0, u32::MAX).await;
    let client = Client::new(server.url(), policy(4), Duration::from_secs(5));
    let error = client.get().await.unwrap_err();
    assert!(
        matches!(error, CallError::Status(status) if status.as_u16() == 503),
        "{error}"
    );
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn a_hanging_request_is_cut_by_the_timeout_and_retried() {
    let server = server(1, 0).await;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let log = errors.clone();
    let client = Client::new(server.url(), policy(3), Duration::from_millis(200))
        .on_retry(move |a| log.lock().unwrap().push(a.error().map(ToString::to_string)));
    assert_eq!(client.get().await.unwrap(), SUCCESS_BODY);
    assert_eq!(server.hits(), 2);
    assert_eq!(
        *errors.lock().unwrap(),
        [Some("timed out (no answer in 200ms)".to_string())]
    );
}

#[tokio::test]
async fn connection_refused_is_transient_and_a_404_is_not() {
    // Nothing listens on the service's port once it is dropped: connection refused is
    // transient and retried; the count of attempts shows it.
    let url = server(0, 0).await.url();
    let client = Client::new(url, policy(3), Duration::from_secs(1));
    let error = client.get().await.unwrap_err();
    assert!(matches!(error, CallError::Transport(_)), "{error}");
    assert!(error.is_transient());
    assert!(!CallError::Status(reqwest::StatusCode::NOT_FOUND).is_transient());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retried_call_runs_spawned_on_a_multi_threaded_runtime() {
    let server = server(0, 3).await;
    let client = Arc::new(Client::new(server.url(), policy(5), Duration::from_secs(5)));
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get().await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), SUCCESS_BODY);
    }
    // 3 failures shared among the 4 calls, then 4 successes.
    assert_eq!(server.hits(), 7);
}
