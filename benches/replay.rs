//! Request bodies through the tower layer, for the cost of sending them again: an
//! in-memory service reads each request's whole body and answers 503 to its first
//! `failures` requests, 200 to the others. A 16-byte unary message (a `Clone` body, and the
//! same bytes boxed, which is replayed) and a 64 KiB stream (16 chunks of 4 KiB, boxed),
//! each sent directly and through `RetryPolicy::http(..).layer()` with zero delays.

use std::cell::Cell;
use std::convert::Infallible;
use std::future::Ready;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use retry_runtime::Policy;
use retry_runtime::tower::{Bodies, Keep, ReplayBody, RetryPolicy};
use tower::{Layer, Service};

use crate::block_on;

/// A boxed body: it cannot be cloned, so the layer replays it.
pub type Boxed = UnsyncBoxBody<Bytes, Infallible>;

/// The 16-byte unary message.
pub fn unary() -> Full<Bytes> {
    Full::new(Bytes::from_static(&[7; 16]))
}

/// The 16-byte unary message, boxed.
pub fn unary_boxed() -> Boxed {
    unary().boxed_unsync()
}

/// 64 KiB in 16 chunks of 4 KiB, boxed.
pub fn stream() -> Boxed {
    static CHUNK: [u8; 4096] = [7; 4096];
    Chunks(16, &CHUNK).boxed_unsync()
}

/// `n` times the same static chunk.
struct Chunks(usize, &'static [u8]);

impl Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.0 == 0 {
            return Poll::Ready(None);
        }
        self.0 -= 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(self.1)))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact((self.0 * self.1.len()) as u64)
    }
}

/// The in-memory service: reads each request's body, answers 503 to the first `failures`.
#[derive(Debug, Clone)]
pub struct Server {
    failures: Rc<Cell<u32>>,
}

impl Server {
    /// A service whose next `failures` requests fail.
    pub fn new(failures: u32) -> Self {
        Server {
            failures: Rc::new(Cell::new(failures)),
        }
    }
}

impl<B: Body + Unpin + 'static> Service<http::Request<B>> for Server {
    type Response = http::Response<()>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<http::Response<()>, Infallible>>>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let failures = self.failures.clone();
        let mut body = request.into_body();
        Box::pin(async move {
            let mut read = 0;
            while let Some(Ok(frame)) = body.frame().await {
                read += frame.data_ref().map_or(0, bytes::Buf::remaining);
            }
            std::hint::black_box(read);
            let status = if failures.get() > 0 {
                failures.set(failures.get() - 1);
                503
            } else {
                200
            };
            Ok(http::Response::builder().status(status).body(()).unwrap())
        })
    }
}

fn no_sleep(_: Duration) -> Ready<()> {
    std::future::ready(())
}

/// [`Server`] behind `RetryPolicy::http`'s layer: 3 attempts, zero delays.
pub fn layered<B>(
    server: Server,
) -> impl Service<http::Request<B>, Response = http::Response<()>, Error = Infallible>
where
    B: ReplayBody + Body + Unpin + 'static,
    Bodies: Keep<http::Request<B>>,
{
    let policy = Policy::new().max_attempts(3).base(Duration::ZERO);
    RetryPolicy::http(policy)
        .sleep(no_sleep)
        .layer()
        .layer(server)
}

/// One request with `method` and `body` through `service`: the final status.
pub fn send<S, B>(service: &mut S, method: http::Method, body: B) -> u16
where
    S: Service<http::Request<B>, Response = http::Response<()>, Error = Infallible>,
{
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    let response = block_on(service.call(request));
    response.map_or(0, |response| response.status().as_u16())
}

/// One PUT with `body()`, through the layer over a [`Server`] failing `failures` times, or
/// sent to the server directly for `u32::MAX`: the final status.
#[inline(never)]
pub fn request<B>(failures: u32, body: fn() -> B) -> u16
where
    B: ReplayBody + Body + Unpin + 'static,
    Bodies: Keep<http::Request<B>>,
{
    let failures = std::hint::black_box(failures);
    if failures == u32::MAX {
        return send(&mut Server::new(0), http::Method::PUT, body());
    }
    send(
        &mut layered(Server::new(failures)),
        http::Method::PUT,
        body(),
    )
}
