//! `reqwest::RetryMiddleware` against the flaky HTTP service on loopback, through a
//! `reqwest_middleware` client: the schedule, `Retry-After`, the idempotent-methods rule, a
//! streamed body sent once, the budget, the hooks, and the events with the call's name. The
//! sleeps are recorded (`testing::record_async`), not slept.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use retry_examples::{FlakyServer, Written};
use retry_runtime::reqwest::{Answer, RetryMiddleware};
use retry_runtime::{Attempt, GiveUp, Policy, RetryBudget, StopReason, testing};

const MS: Duration = Duration::from_millis(1);
const POLICY: Policy = Policy::new()
    .max_attempts(5)
    .base(Duration::from_millis(10));

fn client(middleware: impl reqwest_middleware::Middleware) -> ClientWithMiddleware {
    ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}

async fn server(fail: u32, retry_after: Option<u32>) -> FlakyServer {
    FlakyServer::failing(fail, retry_after).await
}

#[tokio::test]
async fn retries_on_schedule_and_sends_the_same_body_each_time() {
    let server = server(3, None).await;
    let client = client(RetryMiddleware::http(POLICY));
    let call = client.put(server.url()).body("payload").send();
    let (response, delays) = testing::record_async(call).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(delays, [MS * 10, MS * 20, MS * 40]);
    assert_eq!(server.bodies(), ["payload"; 4]);
}

#[tokio::test]
async fn retry_after_is_the_servers_hint_capped_by_max_delay() {
    let server = server(2, Some(7)).await;
    let policy = POLICY.max_delay(Duration::from_secs(5));
    let client = client(RetryMiddleware::http(policy));
    let (response, delays) = testing::record_async(client.get(server.url()).send()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(delays, [Duration::from_secs(5); 2]);
}

#[tokio::test]
async fn a_post_is_sent_once_unless_asked_and_on_give_up_hears_it() {
    let server = server(1, None).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = heard.clone();
    let middleware = RetryMiddleware::http(POLICY).on_give_up(move |g: &GiveUp<'_, Answer>| {
        log.lock().unwrap().push((g.reason, g.attempts));
    });
    let client = client(middleware);
    let (response, _) = testing::record_async(client.post(server.url()).send()).await;
    assert_eq!(response.unwrap().status(), 503);
    assert_eq!(server.hits(), 1);
    assert_eq!(*heard.lock().unwrap(), [(StopReason::NotRetryable, 1)]);

    let server = self::server(1, None).await;
    let client = self::client(RetryMiddleware::http(POLICY).retry_all_methods());
    let (response, _) = testing::record_async(client.post(server.url()).send()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_streamed_body_is_sent_once() {
    let server = server(1, None).await;
    let client = client(RetryMiddleware::http(POLICY));
    let chunks = ["stre", "amed"].map(|c| Ok::<_, io::Error>(Bytes::from_static(c.as_bytes())));
    let body = reqwest::Body::wrap_stream(tokio_stream::iter(chunks));
    let (response, delays) =
        testing::record_async(client.put(server.url()).body(body).send()).await;
    assert_eq!(response.unwrap().status(), 503, "its one answer, returned");
    assert!(delays.is_empty());
    assert_eq!(server.bodies(), ["streamed"]);
}

static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);

#[tokio::test]
async fn a_shared_budget_stops_retrying_a_dead_service() {
    let server = server(u32::MAX, None).await;
    let client = client(RetryMiddleware::http(POLICY.max_attempts(3)).budget(&BUDGET));
    let ((), _) = testing::record_async(async {
        for _ in 0..20 {
            let response = client.get(server.url()).send().await.unwrap();
            assert_eq!(response.status(), 503);
        }
    })
    .await;
    // As the tower layer's: 3 + 2 for the first two requests, then one attempt each.
    assert_eq!(server.hits(), 23);
}

#[tokio::test]
async fn refused_connections_are_retried_and_the_hooks_hear_each_attempt() {
    let url = server(0, None).await.url(); // Stopped: nothing listens there now.
    tokio::time::sleep(MS * 20).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let (retried, gave_up) = (heard.clone(), heard.clone());
    let middleware = RetryMiddleware::http(POLICY.max_attempts(3))
        .on_retry(move |a: &Attempt<'_, Answer>| {
            assert!(a.error().is_some_and(reqwest_middleware::Error::is_connect));
            retried.lock().unwrap().push(format!("retry {}", a.number));
        })
        .on_give_up(move |g: &GiveUp<'_, Answer>| {
            gave_up
                .lock()
                .unwrap()
                .push(format!("{:?} after {}", g.reason, g.attempts));
        });
    let client = client(middleware);
    let (response, delays) = testing::record_async(client.get(&url).send()).await;
    assert!(response.is_err());
    assert_eq!(delays.len(), 2);
    assert_eq!(
        *heard.lock().unwrap(),
        ["retry 1", "retry 2", "Attempts after 3"]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_events_carry_the_calls_name() {
    let server = server(u32::MAX, None).await;
    let written = Written::default();
    let _guard = written.subscribe();
    let client = client(RetryMiddleware::http(POLICY.max_attempts(2)).name("inventory"));
    let (response, _) = testing::record_async(client.get(server.url()).send()).await;
    assert_eq!(response.unwrap().status(), 503);
    let text = written.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].contains("retrying") && lines[1].contains("giving up"),
        "{text}"
    );
    assert!(
        lines.iter().all(
            |line| line.contains("inventory") && line.contains("error=503 Service Unavailable")
        ),
        "{text}"
    );
}

#[tokio::test]
async fn an_open_breaker_refuses_first_attempts_with_rejected() {
    static BREAKER: retry_runtime::CircuitBreaker =
        retry_runtime::CircuitBreaker::new().minimum_throughput(2);
    let server = server(u32::MAX, None).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = heard.clone();
    let middleware = RetryMiddleware::http(POLICY.max_attempts(2))
        .breaker(&BREAKER)
        .on_give_up(move |g: &GiveUp<'_, Answer>| {
            log.lock().unwrap().push((g.reason, g.attempts));
        });
    let client = client(middleware);
    let (first, _) = testing::record_async(client.get(server.url()).send()).await;
    assert_eq!(first.unwrap().status(), 503); // two failures: it opens
    let (refused, _) = testing::record_async(client.get(server.url()).send()).await;
    let Err(reqwest_middleware::Error::Middleware(error)) = refused else {
        panic!("refused with a middleware error, got {refused:?}");
    };
    let rejected = error.downcast_ref::<retry_runtime::Rejected>().unwrap();
    assert_eq!(rejected.reason(), StopReason::CircuitOpen);
    assert_eq!(server.hits(), 2, "the refused request was not sent");
    assert_eq!(
        *heard.lock().unwrap(),
        [(StopReason::Attempts, 2), (StopReason::CircuitOpen, 0)]
    );
}

#[tokio::test]
async fn on_success_hears_a_success_after_retries() {
    let server = server(2, None).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = heard.clone();
    let middleware = RetryMiddleware::http(POLICY).on_success(
        move |s: &retry_runtime::Succeeded<'_, Answer>| {
            log.lock()
                .unwrap()
                .push((s.attempts, s.value().map(reqwest::Response::status)));
        },
    );
    let client = client(middleware);
    let (response, _) = testing::record_async(client.get(server.url()).send()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(*heard.lock().unwrap(), [(3, Some(reqwest::StatusCode::OK))]);
}
