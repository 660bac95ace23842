//! The tower front door against a real HTTP service on loopback, through a hyper client:
//! the schedule, `Retry-After`, the budget, the idempotent-methods rule, refused
//! connections, and bodies that cannot be cloned, replayed. The sleeps are recorded (`testing::record_async`), not slept.

use std::time::Duration;

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Channel, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use retry_examples::{FlakyServer, Script, Written};
use retry_runtime::tower::{Bodies, Http, RetryPolicy};
use retry_runtime::{Described, Policy, RetryBudget, StopReason, testing};
use tower::{Service, ServiceBuilder, ServiceExt};

type Body = Full<Bytes>;

const MS: Duration = Duration::from_millis(1);

fn hyper() -> Client<HttpConnector, Body> {
    Client::builder(TokioExecutor::new()).build_http()
}

fn request(method: &str, url: &str) -> http::Request<Body> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(Full::new(Bytes::from_static(b"payload")))
        .expect("a request")
}

type Answer = Result<http::Response<::hyper::body::Incoming>, hyper_util::client::legacy::Error>;

/// Sends one `method` request to `url` through a hyper client behind `policy`'s layer,
/// with the sleeps recorded.
async fn send(
    policy: RetryPolicy<Http, Bodies>,
    method: &str,
    url: &str,
) -> (Answer, Vec<Duration>) {
    let mut client = ServiceBuilder::new().layer(policy.layer()).service(hyper());
    let call = client.ready().await.unwrap().call(request(method, url));
    testing::record_async(call).await
}

async fn server(fail: u32, retry_after: Option<u32>) -> FlakyServer {
    FlakyServer::failing(fail, retry_after).await
}

#[tokio::test]
async fn one_layer_retries_a_hyper_client_on_schedule() {
    let server = server(3, None).await;
    let policy = Policy::new().max_attempts(5).base(MS * 10);
    let (response, delays) = send(RetryPolicy::http(policy), "GET", &server.url()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(server.hits(), 4);
    assert_eq!(delays, [MS * 10, MS * 20, MS * 40]);
}

#[tokio::test]
async fn retry_after_is_the_servers_hint_capped_by_max_delay() {
    let server = server(2, Some(7)).await;
    let policy = Policy::new()
        .max_attempts(5)
        .base(MS * 10)
        .max_delay(Duration::from_secs(5));
    let (response, delays) = send(RetryPolicy::http(policy), "GET", &server.url()).await;
    assert_eq!(response.unwrap().status(), 200);
    // `Retry-After: 7`, capped by the 5 s `max_delay`, twice.
    assert_eq!(delays, [Duration::from_secs(5); 2]);
}

static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);

#[tokio::test]
async fn a_shared_budget_stops_retrying_a_dead_service() {
    let server = server(u32::MAX, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let mut client = ServiceBuilder::new()
        .layer(RetryPolicy::http(policy).budget(&BUDGET).layer())
        .service(hyper());
    let ((), _) = testing::record_async(async {
        for _ in 0..20 {
            let call = client
                .ready()
                .await
                .unwrap()
                .call(request("GET", &server.url()));
            assert_eq!(call.await.unwrap().status(), 503);
        }
    })
    .await;
    // 3 + 2 for the first two requests (10 tokens, a retry while more than 5 are left),
    // then one attempt each: 23 instead of 60.
    assert_eq!(server.hits(), 23);
}

#[tokio::test]
async fn only_idempotent_methods_are_sent_again_unless_asked() {
    let server = server(1, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let (response, _) = send(RetryPolicy::http(policy), "POST", &server.url()).await;
    assert_eq!(response.unwrap().status(), 503);
    assert_eq!(server.hits(), 1, "a POST is sent once");

    let server = self::server(1, None).await;
    let all_methods = RetryPolicy::http(policy).retry_all_methods();
    let (response, _) = send(all_methods, "POST", &server.url()).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_closure_classifier_sends_a_post_once_and_on_give_up_hears_it() {
    let server = server(1, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heard.clone();
    let layer = RetryPolicy::new(policy, |answer: &Answer| {
        answer
            .as_ref()
            .map_or(true, |response| response.status().is_server_error())
    })
    .on_give_up(move |g: &retry_runtime::GiveUp<'_, Answer>| {
        log.lock().unwrap().push((g.reason, g.attempts));
    })
    .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(hyper());
    let call = client
        .ready()
        .await
        .unwrap()
        .call(request("POST", &server.url()));
    let (response, delays) = testing::record_async(call).await;
    assert_eq!(response.unwrap().status(), 503);
    assert_eq!(
        server.hits(),
        1,
        "a POST is sent once, whichever the classifier"
    );
    assert!(delays.is_empty());
    assert_eq!(*heard.lock().unwrap(), [(StopReason::NotRetryable, 1)]);
}

#[tokio::test]
async fn refused_connections_are_retried_and_the_hooks_hear_it() {
    // A port that was just free: nothing listens there.
    let url = {
        let server = server(0, None).await;
        server.url()
    };
    tokio::time::sleep(MS * 20).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let retries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (log, gave_up) = (retries.clone(), retries.clone());
    let layer = RetryPolicy::http(policy)
        .on_retry(move |a: &retry_runtime::Attempt<'_, Result<_, _>>| {
            log.lock().unwrap().push(format!("retry {}", a.number));
        })
        .on_give_up(move |g: &retry_runtime::GiveUp<'_, Result<_, _>>| {
            assert_eq!(g.reason, StopReason::Attempts);
            gave_up
                .lock()
                .unwrap()
                .push(format!("gave up after {}", g.attempts));
        })
        .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(hyper());
    let call = client.ready().await.unwrap().call(request("GET", &url));
    let (response, delays) = testing::record_async(call).await;
    assert!(response.is_err());
    assert_eq!(delays.len(), 2);
    assert_eq!(
        *retries.lock().unwrap(),
        ["retry 1", "retry 2", "gave up after 3"]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_events_show_the_status_or_the_services_error() {
    let written = Written::default();
    let _guard = written.subscribe();
    let server = server(u32::MAX, None).await;
    let layer = RetryPolicy::http(Policy::new().max_attempts(2).base(MS)).name("inventory");
    let mut client = ServiceBuilder::new().layer(layer.layer()).service(hyper());
    let call = client
        .ready()
        .await
        .unwrap()
        .call(request("GET", &server.url()));
    let (response, _) = testing::record_async(call).await;
    assert_eq!(response.unwrap().status(), 503);
    // A port that was just free: the connection is refused, and hyper's error is shown.
    let url = server.url();
    drop(server);
    tokio::time::sleep(MS * 20).await;
    let layer = RetryPolicy::http(Policy::new().max_attempts(2).base(MS))
        .name("inventory")
        .describe(Described::display);
    let mut client = ServiceBuilder::new().layer(layer.layer()).service(hyper());
    let call = client.ready().await.unwrap().call(request("GET", &url));
    let (response, _) = testing::record_async(call).await;
    assert!(response.is_err());
    let text = written.text();
    let errors: Vec<&str> = text
        .lines()
        .map(|line| line.split_once("error=").map_or("", |(_, error)| error))
        .collect();
    assert_eq!(
        errors,
        [
            "503 Service Unavailable",
            "503 Service Unavailable",
            "client error (Connect)",
            "client error (Connect)"
        ],
        "{text}"
    );
    assert!(
        text.lines()
            .all(|line| line.contains("function=\"inventory\"")
                || line.contains("function=inventory")),
        "{text}"
    );
}

/// A body that cannot be cloned: streamed through a channel, `parts` one after another,
/// boxed as hyper-util's clients of non-`Clone` bodies take it.
type Boxed = BoxBody<Bytes, Infallible>;

fn streamed(method: &str, url: &str, parts: &'static [&'static str]) -> http::Request<Boxed> {
    let (mut sender, body) = Channel::<Bytes, Infallible>::new(1);
    tokio::spawn(async move {
        for part in parts {
            // A closed channel: the attempt that read it is gone, and so is the test.
            if sender
                .send_data(Bytes::from_static(part.as_bytes()))
                .await
                .is_err()
            {
                return;
            }
        }
    });
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(body.boxed())
        .expect("a request")
}

fn boxed_client() -> Client<HttpConnector, Boxed> {
    Client::builder(TokioExecutor::new()).build_http()
}

type BoxedAnswer =
    Result<http::Response<::hyper::body::Incoming>, hyper_util::client::legacy::Error>;

#[tokio::test]
async fn a_streamed_body_is_replayed_to_every_attempt() {
    let server = server(2, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let mut client = ServiceBuilder::new()
        .layer(RetryPolicy::http(policy).layer())
        .service(boxed_client());
    let request = streamed("PUT", &server.url(), &["one ", "two ", "three"]);
    let call = client.ready().await.unwrap().call(request);
    let (response, delays): (BoxedAnswer, _) = testing::record_async(call).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(delays.len(), 2);
    assert_eq!(
        server.bodies(),
        ["one two three"; 3],
        "each attempt sent it all"
    );
}

#[tokio::test]
async fn a_body_past_the_replay_limit_commits_the_call() {
    let server = server(1, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heard.clone();
    let layer = RetryPolicy::http(policy)
        .replay_limit(8)
        .on_give_up(move |g: &retry_runtime::GiveUp<'_, BoxedAnswer>| {
            log.lock().unwrap().push((g.reason, g.attempts));
        })
        .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(boxed_client());
    let request = streamed("PUT", &server.url(), &["0123", "4567", "89"]);
    let (response, _) = testing::record_async(client.ready().await.unwrap().call(request)).await;
    assert_eq!(
        response.unwrap().status(),
        503,
        "sent once, its answer returned"
    );
    assert_eq!(server.bodies(), ["0123456789"]);
    assert_eq!(*heard.lock().unwrap(), [(StopReason::NotRetryable, 1)]);
}

#[tokio::test]
async fn a_post_with_a_streamed_body_is_sent_once() {
    let server = server(1, None).await;
    let policy = Policy::new().max_attempts(3).base(MS);
    let mut client = ServiceBuilder::new()
        .layer(RetryPolicy::http(policy).layer())
        .service(boxed_client());
    let request = streamed("POST", &server.url(), &["once"]);
    let (response, _): (BoxedAnswer, _) =
        testing::record_async(client.ready().await.unwrap().call(request)).await;
    assert_eq!(response.unwrap().status(), 503);
    assert_eq!(server.bodies(), ["once"]);
}

#[tokio::test]
async fn a_refused_connection_leaves_the_body_unread_for_the_retry() {
    // A port that is free now; the first attempt is refused there, and the server starts
    // on it before the retry.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = port.local_addr().unwrap();
    drop(port);
    let started = std::sync::Arc::new(std::sync::Mutex::new(None));
    let slot = started.clone();
    let layer = RetryPolicy::http(Policy::new().max_attempts(2).base(MS))
        .on_retry(move |_: &retry_runtime::Attempt<'_, BoxedAnswer>| {
            let listener = std::net::TcpListener::bind(addr).expect("the port again");
            let server = FlakyServer::start_on(listener, Script::default()).unwrap();
            *slot.lock().unwrap() = Some(server);
        })
        .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(boxed_client());
    let request = streamed("PUT", &format!("http://{addr}/"), &["not ", "lost"]);
    let (response, _) = testing::record_async(client.ready().await.unwrap().call(request)).await;
    assert_eq!(response.unwrap().status(), 200);
    let server = started
        .lock()
        .unwrap()
        .take()
        .expect("started on the retry");
    assert_eq!(server.bodies(), ["not lost"]);
}

#[tokio::test]
async fn on_success_hears_a_success_after_retries() {
    let server = server(2, None).await;
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = heard.clone();
    let layer = RetryPolicy::http(Policy::new().max_attempts(4).base(MS))
        .on_success(move |s: &retry_runtime::Succeeded<'_, Answer>| {
            let status = s.value().map(http::Response::status);
            log.lock().unwrap().push((s.attempts, status));
        })
        .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(hyper());
    let call = client
        .ready()
        .await
        .unwrap()
        .call(request("GET", &server.url()));
    let (response, _) = testing::record_async(call).await;
    assert_eq!(response.unwrap().status(), 200);
    assert_eq!(*heard.lock().unwrap(), [(3, Some(http::StatusCode::OK))]);
}
