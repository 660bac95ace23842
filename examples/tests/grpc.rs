//! `RetryPolicy::grpc` against a real tonic server on loopback, through a tonic `Channel`
//! and a client shaped as tonic's generated ones: gRFC A6's classification (trailers-only
//! statuses, HTTP statuses without one, a call committed by its headers), the server's
//! pushback, `grpc-previous-rpc-attempts`, transport errors, and request bodies replayed
//! (unary and client-streaming), each attempt's bytes compared. The sleeps are recorded
//! (`testing::record_async`), not slept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use retry_examples::grpc::{Answer, EchoClient, GrpcServer, Received};
use retry_runtime::tower::{Bodies, Grpc, Retry, RetryPolicy};
use retry_runtime::{GiveUp, Policy, RetryBudget, StopReason, testing};
use tonic::Code;
use tonic::transport::Channel;
use tower::ServiceBuilder;

const MS: Duration = Duration::from_millis(1);
const POLICY: Policy = Policy::new()
    .max_attempts(4)
    .base(Duration::from_millis(10));

type Client = EchoClient<Retry<RetryPolicy<Grpc, Bodies>, Channel>>;

async fn channel(url: String) -> Channel {
    Channel::from_shared(url).unwrap().connect().await.unwrap()
}

/// The client of `server`, behind the retry layer, as a user writes it.
async fn client(server: &GrpcServer) -> Client {
    client_with(server, RetryPolicy::grpc(POLICY)).await
}

async fn client_with(server: &GrpcServer, policy: RetryPolicy<Grpc, Bodies>) -> Client {
    let channel = channel(server.url()).await;
    EchoClient::new(ServiceBuilder::new().layer(policy.layer()).service(channel))
}

async fn server(script: impl IntoIterator<Item = Answer>) -> GrpcServer {
    GrpcServer::start(script).await.expect("a loopback port")
}

fn bodies(received: &[Received]) -> Vec<Bytes> {
    received.iter().map(|call| call.body.clone()).collect()
}

fn unavailable() -> Answer {
    Answer::Status(Code::Unavailable, None)
}

#[tokio::test]
async fn unavailable_is_retried_and_each_retry_says_how_many_came_before() {
    let server = server([unavailable(), unavailable()]).await;
    let mut client = client(&server).await;
    let call = client.unary(Bytes::from_static(b"hello"));
    let (answer, delays) = testing::record_async(call).await;
    assert_eq!(answer.unwrap(), "hello");
    assert_eq!(delays, [MS * 10, MS * 20]);
    let received = server.received();
    let previous: Vec<_> = received
        .iter()
        .map(|r| r.previous_attempts.clone())
        .collect();
    assert_eq!(previous, [None, Some("1".into()), Some("2".into())]);
    let sent = bodies(&received);
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|body| *body == sent[0]),
        "the same bytes each time"
    );
    // gRPC's framing: no compression, a 4-byte length, the message.
    assert_eq!(sent[0], b"\0\0\0\0\x05hello"[..]);
}

#[tokio::test]
async fn a_client_stream_is_replayed_to_every_attempt() {
    let server = server([unavailable(), Answer::Http(503)]).await;
    let mut client = client(&server).await;
    let messages = ["one", "two", "three"].map(|m| Bytes::from_static(m.as_bytes()));
    let (answer, _) = testing::record_async(client.collect(messages.to_vec())).await;
    assert_eq!(answer.unwrap(), "onetwothree");
    let sent = bodies(&server.received());
    assert_eq!(
        sent.len(),
        3,
        "a 503 without grpc-status is UNAVAILABLE too"
    );
    assert!(sent.iter().all(|body| *body == sent[0]));
    assert_eq!(sent[0].len(), 3 * 5 + 3 + 3 + 5, "three framed messages");
}

#[tokio::test]
async fn a_large_client_stream_is_replayed_whole() {
    let server = server([unavailable()]).await;
    let mut client = client(&server).await;
    let messages: Vec<Bytes> = (0..64_u8).map(|i| Bytes::from(vec![i; 1024])).collect();
    let (answer, _) = testing::record_async(client.collect(messages.clone())).await;
    assert_eq!(answer.unwrap(), messages.concat());
    let sent = bodies(&server.received());
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], sent[1]);
    assert_eq!(sent[0].len(), 64 * (1024 + 5));
}

#[tokio::test]
async fn pushback_is_the_servers_hint() {
    let server = server([Answer::Status(Code::Unavailable, Some("250"))]).await;
    let mut client = client(&server).await;
    let (answer, delays) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    assert_eq!(answer.unwrap(), "x");
    // max(10 ms scheduled, min(250 ms, the 60 s cap)).
    assert_eq!(delays, [MS * 250]);
}

#[tokio::test]
async fn a_negative_or_malformed_pushback_means_do_not_retry() {
    for pushback in ["-1", "soon"] {
        let server = server([Answer::Status(Code::Unavailable, Some(pushback))]).await;
        let heard = Arc::new(Mutex::new(Vec::new()));
        let log = heard.clone();
        let policy = RetryPolicy::grpc(POLICY).on_give_up(move |g: &GiveUp<'_, _>| {
            log.lock().unwrap().push((g.reason, g.attempts));
        });
        let channel = channel(server.url()).await;
        let mut client =
            EchoClient::new(ServiceBuilder::new().layer(policy.layer()).service(channel));
        let (answer, delays) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
        assert_eq!(answer.unwrap_err().code(), Code::Unavailable, "{pushback}");
        assert!(delays.is_empty());
        assert_eq!(server.received().len(), 1);
        assert_eq!(*heard.lock().unwrap(), [(StopReason::NotRetryable, 1)]);
    }
}

#[tokio::test]
async fn http_statuses_without_grpc_status_are_classified_as_grpc_maps_them() {
    // 429, 502, 503 and 504 are UNAVAILABLE: retried.
    let retried = [429, 502, 503, 504].map(Answer::Http);
    let server = server(retried).await;
    let mut client = client_with(&server, RetryPolicy::grpc(POLICY.max_attempts(5))).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    assert_eq!(answer.unwrap(), "x");
    assert_eq!(server.received().len(), 5);
    // Any other is not (a 404 is UNIMPLEMENTED).
    let server = self::server([Answer::Http(404)]).await;
    let mut client = self::client(&server).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    assert_eq!(answer.unwrap_err().code(), Code::Unimplemented);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_body_past_the_default_limit_of_1_mib_is_sent_once() {
    let server = server([unavailable()]).await;
    let mut client = client(&server).await;
    let message = Bytes::from(vec![1; (1 << 20) + 1]);
    let (answer, _) = testing::record_async(client.unary(message)).await;
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
    assert_eq!(server.received().len(), 1);
    // Just under it (with gRPC's 5-byte frame header), the call is retried.
    let server = self::server([unavailable()]).await;
    let mut client = self::client(&server).await;
    let message = Bytes::from(vec![1; (1 << 20) - 5]);
    let (answer, _) = testing::record_async(client.unary(message.clone())).await;
    assert_eq!(answer.unwrap(), message);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn other_statuses_are_returned_at_once() {
    let server = server([Answer::Status(Code::InvalidArgument, None)]).await;
    let mut client = client(&server).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    assert_eq!(answer.unwrap_err().code(), Code::InvalidArgument);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn response_headers_commit_the_call() {
    let server = server([Answer::FailAfterHeaders]).await;
    let mut client = client(&server).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    // UNAVAILABLE, but after the headers: returned as it is.
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn the_retryable_codes_can_be_changed() {
    let exhausted = Answer::Status(Code::ResourceExhausted, None);
    let server = server([exhausted, unavailable()]).await;
    let policy = RetryPolicy::grpc(POLICY).retryable_codes([Code::ResourceExhausted]);
    let mut client = client_with(&server, policy).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    // RESOURCE_EXHAUSTED was retried; UNAVAILABLE no longer is.
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_transport_error_is_retried_with_the_body_the_refused_attempt_left_unread() {
    // A port that is free now: the first attempt is refused there, and the server starts
    // on it before the retry.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = port.local_addr().unwrap();
    drop(port);
    let started = Arc::new(Mutex::new(None));
    let slot = started.clone();
    let policy = RetryPolicy::grpc(POLICY).on_retry(move |_: &retry_runtime::Attempt<'_, _>| {
        let listener = std::net::TcpListener::bind(addr).expect("the port again");
        *slot.lock().unwrap() = Some(GrpcServer::start_on(listener, []).unwrap());
    });
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect_lazy();
    let mut client = EchoClient::new(ServiceBuilder::new().layer(policy.layer()).service(channel));
    let messages = vec![Bytes::from_static(b"not "), Bytes::from_static(b"lost")];
    let (answer, delays) = testing::record_async(client.collect(messages)).await;
    assert_eq!(answer.unwrap(), "not lost");
    assert!(!delays.is_empty());
    let server = started.lock().unwrap().take().expect("started on a retry");
    assert_eq!(
        bodies(&server.received()),
        [&b"\0\0\0\0\x04not \0\0\0\0\x04lost"[..]]
    );
}

#[tokio::test]
async fn a_message_past_the_replay_limit_commits_the_call() {
    let server = server([unavailable()]).await;
    let mut client = client_with(&server, RetryPolicy::grpc(POLICY).replay_limit(16)).await;
    let (answer, _) = testing::record_async(client.unary(Bytes::from(vec![7; 64]))).await;
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
    assert_eq!(server.received().len(), 1, "sent once");
}

#[tokio::test]
async fn the_budget_and_the_hooks_are_the_http_policys() {
    static BUDGET: RetryBudget = RetryBudget::new(2, 0.1);
    let server = server([unavailable(), unavailable()]).await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    let (retried, gave_up) = (heard.clone(), heard.clone());
    let policy = RetryPolicy::grpc(POLICY)
        .budget(&BUDGET)
        .on_retry(move |a: &retry_runtime::Attempt<'_, _>| {
            retried.lock().unwrap().push(format!("retry {}", a.number));
        })
        .on_give_up(move |g: &GiveUp<'_, _>| {
            gave_up
                .lock()
                .unwrap()
                .push(format!("{:?} after {}", g.reason, g.attempts));
        });
    let channel = channel(server.url()).await;
    let mut client = EchoClient::new(ServiceBuilder::new().layer(policy.layer()).service(channel));
    let (answer, _) = testing::record_async(client.unary(Bytes::from_static(b"x"))).await;
    assert_eq!(answer.unwrap_err().code(), Code::Unavailable);
    // 2 tokens: the first failure leaves 1, and a retry needs more than half.
    assert_eq!(*heard.lock().unwrap(), ["Budget after 1"]);
    assert_eq!(server.received().len(), 1);
}
