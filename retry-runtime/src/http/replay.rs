//! Request bodies sent again: a `Clone` body is cloned, a boxed one (http-body-util's
//! `BoxBody` and `UnsyncBoxBody`, tonic's `Body`) is replayed from what the first attempt
//! sent.
//!
//! A replayed body is shared by every attempt of one call. The attempt that reads past what
//! the earlier ones read takes the original body, polls it (only when the inner service polls
//! that attempt's body: the buffer never runs ahead of the connection) and keeps each chunk,
//! a `Bytes` handle, not a copy of the bytes, until the call's limit is crossed; from then on
//! the body cannot be sent again, and the call is committed. An attempt whose body is dropped
//! unread, or half read (a refused connection, a reset stream), gives the original back, so
//! the next attempt replays what was read and goes on from there.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::{BoxBody, UnsyncBoxBody};

/// The most a call keeps of a request body to send it again, unless
/// [`replay_limit`](crate::tower::RetryPolicy::replay_limit) says otherwise: 1 MiB.
pub const DEFAULT_REPLAY_LIMIT: usize = 1 << 20;

/// A request body that the tower doors can send again: a `Clone` body by cloning it
/// ([`ByClone`]), the boxed bodies of http-body-util (`BoxBody<Bytes, E>`,
/// `UnsyncBoxBody<Bytes, E>`) and, with the `tonic` feature, `tonic::body::Body`, by replaying
/// what the first attempt sent.
///
/// A `Clone` body type of your own says so in one line:
///
/// ```
/// use retry_runtime::tower::{ByClone, ReplayBody};
///
/// #[derive(Clone)]
/// struct MyBody(bytes::Bytes);
/// # impl http_body::Body for MyBody {
/// #     type Data = bytes::Bytes;
/// #     type Error = std::convert::Infallible;
/// #     fn poll_frame(
/// #         self: std::pin::Pin<&mut Self>,
/// #         _: &mut std::task::Context<'_>,
/// #     ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
/// #         std::task::Poll::Ready(None)
/// #     }
/// # }
///
/// impl ReplayBody for MyBody {
///     type Resend = ByClone;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request body the retry layer knows how to send again",
    label = "neither cloned nor replayed",
    note = "a `Clone` body of your own: `impl ReplayBody for {Self} {{ type Resend = ByClone; }}`",
    note = "or send it as an http-body-util `BoxBody`, which is replayed"
)]
pub trait ReplayBody: Sized {
    /// How the body is sent again: [`ByClone`], or replayed (the boxed bodies).
    type Resend: ResendBody<Self>;
}

/// A body sent again as a clone of itself (see [`ReplayBody`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ByClone;

/// A body sent again as a replay of what the first attempt sent (see [`ReplayBody`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ByReplay;

/// How a [`ReplayBody`] is sent again: [`ByClone`] or [`ByReplay`]. Sealed.
pub trait ResendBody<B>: sealed::Sealed {
    /// What a call keeps of the body to send it again.
    #[doc(hidden)]
    type Kept: Send;

    /// The body the first attempt sends, and what is kept of it, under `limit` bytes.
    #[doc(hidden)]
    fn keep(body: B, limit: usize) -> (B, Self::Kept);

    /// The body of the next attempt, or `None` if it can no longer be sent again.
    #[doc(hidden)]
    fn again(kept: &Self::Kept) -> Option<B>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ByClone {}
    impl Sealed for super::ByReplay {}
}

impl<B: Clone + Send> ResendBody<B> for ByClone {
    type Kept = B;

    fn keep(body: B, _: usize) -> (B, B) {
        let kept = body.clone();
        (body, kept)
    }

    fn again(kept: &B) -> Option<B> {
        Some(kept.clone())
    }
}

/// A boxed body that a replay can be put back into.
pub trait Rebox: Body<Data = Bytes> + Default + Unpin + Send + Sized + 'static {
    /// `replay` as this body type.
    #[doc(hidden)]
    fn rebox(replay: Replay<Self>) -> Self;
}

impl<E: 'static> Rebox for BoxBody<Bytes, E> {
    fn rebox(replay: Replay<Self>) -> Self {
        BoxBody::new(replay)
    }
}

impl<E: 'static> Rebox for UnsyncBoxBody<Bytes, E> {
    fn rebox(replay: Replay<Self>) -> Self {
        UnsyncBoxBody::new(replay)
    }
}

impl<E: 'static> ReplayBody for BoxBody<Bytes, E> {
    type Resend = ByReplay;
}

impl<E: 'static> ReplayBody for UnsyncBoxBody<Bytes, E> {
    type Resend = ByReplay;
}

#[cfg(feature = "tonic")]
impl Rebox for tonic::body::Body {
    fn rebox(replay: Replay<Self>) -> Self {
        tonic::body::Body::new(replay)
    }
}

#[cfg(feature = "tonic")]
impl ReplayBody for tonic::body::Body {
    type Resend = ByReplay;
}

macro_rules! by_clone {
    ($($ty:ty),* $(,)?) => {
        $(impl ReplayBody for $ty { type Resend = ByClone; })*
    };
}

by_clone!(String, Bytes, Vec<u8>, &'static str);

impl<D: bytes::Buf + Clone + Send> ReplayBody for http_body_util::Full<D> {
    type Resend = ByClone;
}

impl<D: bytes::Buf + Send> ReplayBody for http_body_util::Empty<D> {
    type Resend = ByClone;
}

impl<B: Rebox> ResendBody<B> for ByReplay
where
    Replay<B>: Send,
{
    /// `None` for an empty body: every attempt sends an empty body of its own.
    type Kept = Option<Arc<Shared<B>>>;

    fn keep(body: B, limit: usize) -> (B, Self::Kept) {
        if body.is_end_stream() {
            return (body, None);
        }
        let hint = body.size_hint();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                body: Some(body),
                chunks: Vec::new(),
                len: 0,
                limit,
                committed: false,
                ended: false,
                trailers: None,
                waiting: None,
            }),
            hint,
        });
        (B::rebox(Replay::new(&shared)), Some(shared))
    }

    fn again(kept: &Self::Kept) -> Option<B> {
        let Some(shared) = kept else {
            return Some(B::default());
        };
        if shared.lock().committed {
            return None;
        }
        Some(B::rebox(Replay::new(shared)))
    }
}

/// What the attempts of one call share of its body.
#[doc(hidden)]
pub struct Shared<B> {
    state: Mutex<State<B>>,
    /// The original body's size, for every attempt (so that a known length stays known).
    hint: SizeHint,
}

impl<B> Shared<B> {
    fn lock(&self) -> MutexGuard<'_, State<B>> {
        // A panic while the lock was held left the state as consistent as any poll does.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<B> fmt::Debug for Shared<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Shared")
            .field("kept", &state.len)
            .field("limit", &state.limit)
            .field("committed", &state.committed)
            .field("ended", &state.ended)
            .finish_non_exhaustive()
    }
}

struct State<B> {
    /// The original body, while no attempt is reading it.
    body: Option<B>,
    /// What the attempts read of it, in order, while it is within the limit.
    chunks: Vec<Bytes>,
    /// Their length in bytes.
    len: usize,
    limit: usize,
    /// The body outgrew the limit, or failed: it cannot be sent again.
    committed: bool,
    /// The original body ended, after these trailers.
    ended: bool,
    trailers: Option<HeaderMap>,
    /// An attempt that waits for the original body, which an earlier attempt still holds.
    waiting: Option<Waker>,
}

/// One attempt's copy of a replayed body: it sends what earlier attempts read, then reads
/// on from the original. Built by the retry layer; the inner service sees it boxed as the
/// request's own body type.
pub struct Replay<B> {
    shared: Arc<Shared<B>>,
    /// The original body, while this attempt reads past the others.
    body: Option<B>,
    /// Chunks of the buffer this attempt has sent.
    sent: usize,
    /// Bytes it has sent, for its size hint.
    sent_bytes: u64,
    /// It sent the trailers, or the end.
    done: bool,
}

impl<B> Replay<B> {
    fn new(shared: &Arc<Shared<B>>) -> Self {
        Replay {
            shared: Arc::clone(shared),
            body: None,
            sent: 0,
            sent_bytes: 0,
            done: false,
        }
    }
}

impl<B> fmt::Debug for Replay<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("sent", &self.sent_bytes)
            .field("reading", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

/// An attempt dropped with the original body in hand gives it back for the next one.
impl<B> Drop for Replay<B> {
    fn drop(&mut self) {
        if let Some(body) = self.body.take() {
            let mut state = self.shared.lock();
            state.body = Some(body);
            if let Some(waiting) = state.waiting.take() {
                waiting.wake();
            }
        }
    }
}

impl<B: Body<Data = Bytes> + Unpin> Body for Replay<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.body.is_none() {
            let mut state = this.shared.lock();
            if let Some(chunk) = state.chunks.get(this.sent).cloned() {
                // Replaying what an earlier attempt read.
                this.sent += 1;
                this.sent_bytes += chunk.len() as u64;
                return Poll::Ready(Some(Ok(Frame::data(chunk))));
            }
            // Trailers come last: an attempt that read them was past the data.
            if state.ended || state.trailers.is_some() {
                this.done = true;
                return Poll::Ready(state.trailers.clone().map(|t| Ok(Frame::trailers(t))));
            }
            match state.body.take() {
                Some(body) => this.body = Some(body),
                None => {
                    // An earlier attempt still holds the original: it gives it back when
                    // it is dropped.
                    state.waiting = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            }
        }
        let Some(body) = this.body.as_mut() else {
            unreachable!("taken above")
        };
        let frame = std::task::ready!(Pin::new(body).poll_frame(cx));
        let mut state = this.shared.lock();
        match &frame {
            Some(Ok(frame)) => {
                if let Some(chunk) = frame.data_ref() {
                    this.sent_bytes += chunk.len() as u64;
                    if !state.committed && state.len + chunk.len() <= state.limit {
                        state.len += chunk.len();
                        state.chunks.push(chunk.clone());
                        this.sent = state.chunks.len();
                    } else {
                        // Past the limit: this attempt is the last, and keeps nothing.
                        state.committed = true;
                        state.chunks = Vec::new();
                    }
                } else if let Some(trailers) = frame.trailers_ref() {
                    state.trailers = Some(trailers.clone());
                }
            }
            Some(Err(_)) => state.committed = true,
            None => {
                state.ended = true;
                this.done = true;
                this.body = None;
            }
        }
        // An attempt waiting for the original can replay what was just read.
        if let Some(waiting) = state.waiting.take() {
            waiting.wake();
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        if self.done {
            return true;
        }
        if let Some(body) = &self.body {
            return body.is_end_stream();
        }
        let state = self.shared.lock();
        state.ended && self.sent == state.chunks.len() && state.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let hint = self.shared.hint;
        let mut left = SizeHint::new();
        left.set_lower(hint.lower().saturating_sub(self.sent_bytes));
        if let Some(upper) = hint.upper() {
            left.set_upper(upper.saturating_sub(self.sent_bytes));
        }
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Boxed = BoxBody<Bytes, Infallible>;

    /// A streamed body of its parts, then trailers, counting the frames it was asked for.
    struct Streamed {
        parts: VecDeque<Bytes>,
        trailers: Option<HeaderMap>,
        polled: Arc<AtomicUsize>,
    }

    fn body(chunks: &[&'static str], trailers: bool) -> (Boxed, Arc<AtomicUsize>) {
        let polled = Arc::new(AtomicUsize::new(0));
        let trailers = trailers.then(|| {
            let mut map = HeaderMap::new();
            map.insert("grpc-status", http::HeaderValue::from_static("0"));
            map
        });
        let body = Streamed {
            parts: chunks
                .iter()
                .map(|c| Bytes::from_static(c.as_bytes()))
                .collect(),
            trailers,
            polled: polled.clone(),
        };
        (BoxBody::new(body), polled)
    }

    impl Body for Streamed {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.polled.fetch_add(1, Ordering::SeqCst);
            if let Some(chunk) = self.parts.pop_front() {
                return Poll::Ready(Some(Ok(Frame::data(chunk))));
            }
            Poll::Ready(self.trailers.take().map(|t| Ok(Frame::trailers(t))))
        }

        fn size_hint(&self) -> SizeHint {
            let len: usize = self.parts.iter().map(Bytes::len).sum();
            SizeHint::with_exact(len as u64)
        }
    }

    /// Polls `body` once, with a waker that does nothing.
    fn poll(body: &mut Boxed) -> Poll<Option<Frame<Bytes>>> {
        let mut cx = Context::from_waker(Waker::noop());
        Pin::new(body)
            .poll_frame(&mut cx)
            .map(|frame| frame.map(|frame| frame.unwrap_or_else(|never| match never {})))
    }

    /// Reads `body` to its end: its data, and whether trailers came.
    fn read(body: &mut Boxed) -> (String, bool) {
        let (mut data, mut trailers) = (String::new(), false);
        while let Poll::Ready(Some(frame)) = poll(body) {
            match frame.into_data() {
                Ok(chunk) => data.push_str(std::str::from_utf8(&chunk).unwrap()),
                Err(frame) => trailers |= frame.is_trailers(),
            }
        }
        (data, trailers)
    }

    fn data(frame: Poll<Option<Frame<Bytes>>>) -> Bytes {
        match frame {
            Poll::Ready(Some(frame)) => frame.into_data().expect("a data frame"),
            other => panic!("expected data, got {:?}", other.map(|f| f.is_some())),
        }
    }

    #[test]
    fn a_retry_replays_what_was_read_then_reads_on() {
        let (original, polled) = body(&["ab", "cd", "ef"], true);
        let (mut first, kept) = ByReplay::keep(original, 1024);
        // Nothing is read ahead of the inner service.
        assert_eq!(polled.load(Ordering::SeqCst), 0);
        assert_eq!(data(poll(&mut first)), "ab");
        assert_eq!(polled.load(Ordering::SeqCst), 1);
        // The first attempt is dropped half read (a reset stream): its body is given back.
        drop(first);
        let mut second = ByReplay::again(&kept).expect("within the limit");
        assert_eq!(read(&mut second), ("abcdef".to_owned(), true));
        // The original was asked for its first chunk once, then the others, its trailers
        // and its end.
        assert_eq!(polled.load(Ordering::SeqCst), 5);
        let mut third = ByReplay::again(&kept).expect("within the limit");
        assert_eq!(read(&mut third), ("abcdef".to_owned(), true));
        assert_eq!(polled.load(Ordering::SeqCst), 5, "replayed from the buffer");
    }

    #[test]
    fn a_body_dropped_unread_is_recovered() {
        let (original, _) = body(&["hello"], false);
        let (first, kept) = ByReplay::keep(original, 1024);
        drop(first); // A refused connection: never polled.
        let mut second = ByReplay::again(&kept).unwrap();
        assert_eq!(read(&mut second), ("hello".to_owned(), false));
    }

    #[test]
    fn a_body_past_the_limit_commits_the_call() {
        let (original, _) = body(&["1234", "5678"], false);
        let (mut first, kept) = ByReplay::keep(original, 6);
        assert!(ByReplay::again(&kept).is_some(), "not yet past it");
        assert_eq!(read(&mut first), ("12345678".to_owned(), false));
        assert!(ByReplay::again(&kept).is_none());
        let state = kept.as_ref().unwrap().lock();
        assert!(state.committed && state.chunks.is_empty(), "nothing kept");
    }

    #[test]
    fn an_attempt_waits_for_the_body_an_earlier_one_holds() {
        let (original, _) = body(&["a", "b"], false);
        let (mut first, kept) = ByReplay::keep(original, 1024);
        assert_eq!(data(poll(&mut first)), "a");
        let mut second = ByReplay::again(&kept).unwrap();
        assert_eq!(data(poll(&mut second)), "a");
        assert!(poll(&mut second).is_pending(), "the first still holds it");
        drop(first);
        assert_eq!(data(poll(&mut second)), "b");
    }

    #[test]
    fn size_hints_and_empty_bodies() {
        let (original, _) = body(&["abc", "de"], false);
        let (mut first, kept) = ByReplay::keep(original, 1024);
        assert_eq!(first.size_hint().exact(), Some(5));
        let _ = poll(&mut first);
        assert_eq!(first.size_hint().exact(), Some(2));
        drop(first);
        let second = ByReplay::again(&kept).unwrap();
        assert_eq!(second.size_hint().exact(), Some(5), "a length stays known");
        assert!(!second.is_end_stream());

        // An empty body keeps nothing: every attempt gets an empty one.
        let (empty, kept) = ByReplay::keep(Boxed::default(), 1024);
        assert!(empty.is_end_stream() && kept.is_none());
        assert!(
            <ByReplay as ResendBody<Boxed>>::again(&kept)
                .unwrap()
                .is_end_stream()
        );
    }

    #[test]
    fn clone_bodies_are_cloned() {
        let full = http_body_util::Full::new(Bytes::from_static(b"x"));
        let (_, kept) = ByClone::keep(full, 0);
        assert_eq!(ByClone::again(&kept).unwrap().size_hint().exact(), Some(1));
    }
}
