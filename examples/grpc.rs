//! A real gRPC service on loopback for the tonic tests and the latency measurement, and a
//! client written as tonic's code generator writes one (the machine has no `protoc`, so the
//! messages are raw bytes with a codec of their own instead of prost types; the client's
//! bounds on its service are the generated ones).
//!
//! The service reads each call's request body whole, records its bytes and the call's
//! `grpc-previous-rpc-attempts`, then answers as its script says: a status in a trailers-only
//! response (with a pushback header, if given), an HTTP status with no gRPC status, a response that
//! fails after its headers, or the echo of the messages it received.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Buf, BufMut, Bytes};
use http_body_util::BodyExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::body::Body;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::metadata::MetadataValue;
use tonic::transport::server::TcpIncoming;
use tonic::{Code, Status};

/// What the service answers to one call.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The concatenation of the messages received, as one message.
    Echo,
    /// A trailers-only response with this status, and this `grpc-retry-pushback-ms`.
    Status(Code, Option<&'static str>),
    /// This HTTP status with no gRPC status at all (a proxy in front of the service, say).
    Http(u16),
    /// Response headers, then `UNAVAILABLE` in the trailers: the call has started.
    FailAfterHeaders,
}

/// One call as the service received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The request body's bytes, gRPC's framing included.
    pub body: Bytes,
    /// Its `grpc-previous-rpc-attempts` header.
    pub previous_attempts: Option<String>,
}

#[derive(Debug, Default)]
struct Shared {
    script: Mutex<VecDeque<Answer>>,
    received: Mutex<Vec<Received>>,
}

/// The gRPC service on a loopback port, stopped when dropped.
#[derive(Debug)]
pub struct GrpcServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl GrpcServer {
    /// Starts the service on `127.0.0.1`, answering its first calls as `script` says and
    /// the rest with [`Answer::Echo`].
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub async fn start(script: impl IntoIterator<Item = Answer>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Ok(Self::serve(listener, script))
    }

    /// Starts the service on `listener`, bound already (to a port a client was refused
    /// on, say).
    ///
    /// # Errors
    ///
    /// When the listener cannot be handed to the runtime.
    pub fn start_on(
        listener: std::net::TcpListener,
        script: impl IntoIterator<Item = Answer>,
    ) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        Ok(Self::serve(TcpListener::from_std(listener)?, script))
    }

    fn serve(listener: TcpListener, script: impl IntoIterator<Item = Answer>) -> Self {
        let addr = listener.local_addr().expect("a bound listener");
        let shared = Arc::new(Shared {
            script: Mutex::new(script.into_iter().collect()),
            received: Mutex::default(),
        });
        let service = Scripted {
            shared: shared.clone(),
        };
        let task = tokio::spawn(async move {
            let incoming = TcpIncoming::from(listener);
            let _ = tonic::transport::Server::builder()
                .serve_with_incoming(service, incoming)
                .await;
        });
        GrpcServer { addr, shared, task }
    }

    /// The service's URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Each call the service received, in order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared.received).clone()
    }
}

impl Drop for GrpcServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The service: records each call, then answers as the script says.
#[derive(Debug, Clone)]
struct Scripted {
    shared: Arc<Shared>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl tower::Service<http::Request<Body>> for Scripted {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let shared = self.shared.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = match body.collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(status) => return Ok(status.into_http()),
            };
            let previous_attempts = parts
                .headers
                .get("grpc-previous-rpc-attempts")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            lock(&shared.received).push(Received {
                body: body.clone(),
                previous_attempts,
            });
            let answer = lock(&shared.script).pop_front().unwrap_or(Answer::Echo);
            Ok(match answer {
                Answer::Echo => {
                    let request = http::Request::from_parts(parts, Body::new(full(body)));
                    let mut grpc = tonic::server::Grpc::new(Raw);
                    grpc.client_streaming(Echo, request).await
                }
                Answer::Status(code, pushback) => {
                    let mut status = Status::new(code, "scripted");
                    if let Some(pushback) = pushback {
                        let value = MetadataValue::from_static(pushback);
                        status
                            .metadata_mut()
                            .insert("grpc-retry-pushback-ms", value);
                    }
                    status.into_http()
                }
                Answer::Http(status) => http::Response::builder()
                    .status(status)
                    .body(Body::empty())
                    .expect("a response"),
                Answer::FailAfterHeaders => {
                    let mut trailers = http::HeaderMap::new();
                    trailers.insert("grpc-status", http::HeaderValue::from_static("14"));
                    let frames = [http_body::Frame::trailers(trailers)];
                    http::Response::builder()
                        .header("content-type", "application/grpc")
                        .body(Body::new(frames_body(frames)))
                        .expect("a response")
                }
            })
        })
    }
}

fn full(bytes: Bytes) -> http_body_util::Full<Bytes> {
    http_body_util::Full::new(bytes)
}

/// A body of these frames, one after another.
fn frames_body<const N: usize>(
    frames: [http_body::Frame<Bytes>; N],
) -> impl http_body::Body<Data = Bytes, Error = Infallible> + Send + 'static {
    let stream = tokio_stream::iter(frames.into_iter().map(Ok::<_, Infallible>));
    http_body_util::StreamBody::new(stream)
}

/// Echoes the messages of a call as one.
#[derive(Debug, Clone, Copy)]
struct Echo;

impl tower::Service<tonic::Request<tonic::Streaming<Bytes>>> for Echo {
    type Response = tonic::Response<Bytes>;
    type Error = Status;
    type Future = BoxFuture<Result<tonic::Response<Bytes>, Status>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::Request<tonic::Streaming<Bytes>>) -> Self::Future {
        Box::pin(async move {
            let mut messages = request.into_inner();
            let mut echo = Vec::new();
            while let Some(message) = messages.message().await? {
                echo.extend_from_slice(&message);
            }
            Ok(tonic::Response::new(Bytes::from(echo)))
        })
    }
}

/// Messages as raw bytes, instead of prost types.
#[derive(Debug, Clone, Copy, Default)]
pub struct Raw;

impl Codec for Raw {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw
    }

    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// The service's client, as `tonic-build` writes one: any `GrpcService` of tonic's body
/// (a `Channel`, or a `Channel` behind layers) will do.
#[derive(Debug, Clone)]
pub struct EchoClient<T> {
    inner: tonic::client::Grpc<T>,
}

impl<T> EchoClient<T>
where
    T: tonic::client::GrpcService<Body>,
    T::Error: Into<tower::BoxError>,
    T::ResponseBody: http_body::Body<Data = Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<tower::BoxError> + Send,
{
    /// A client of `inner`.
    pub fn new(inner: T) -> Self {
        EchoClient {
            inner: tonic::client::Grpc::new(inner),
        }
    }

    /// A unary call: one message.
    ///
    /// # Errors
    ///
    /// The call's status, when it is not `OK`.
    pub async fn unary(&mut self, message: Bytes) -> Result<Bytes, Status> {
        self.ready().await?;
        let path = http::uri::PathAndQuery::from_static("/test.Echo/Unary");
        let request = tonic::Request::new(message);
        Ok(self.inner.unary(request, path, Raw).await?.into_inner())
    }

    /// A client-streaming call: `messages`, one after another.
    ///
    /// # Errors
    ///
    /// The call's status, when it is not `OK`.
    pub async fn collect(&mut self, messages: Vec<Bytes>) -> Result<Bytes, Status> {
        self.ready().await?;
        let path = http::uri::PathAndQuery::from_static("/test.Echo/Collect");
        let request = tonic::Request::new(tokio_stream::iter(messages));
        let response = self.inner.client_streaming(request, path, Raw).await?;
        Ok(response.into_inner())
    }

    async fn ready(&mut self) -> Result<(), Status> {
        self.inner
            .ready()
            .await
            .map_err(|error| Status::unavailable(format!("not ready: {}", error.into())))
    }
}
