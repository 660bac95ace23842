//! [`Context`]: what the body of an attempt knows of its call (`context = cx` on the
//! attribute, [`Policy::retry_with_context`](crate::Policy::retry_with_context) and
//! [`Policy::retry_async_with_context`](crate::Policy::retry_async_with_context) on the
//! builders). The engine makes one as each attempt starts ([`Engine::context`]).
//!
//! [`Engine::context`]: crate::engine::Engine

use std::time::Duration;

/// What an attempt knows of its call, as the attempt starts: its number, the time spent,
/// the time left before the policy's `deadline`, and an id shared by every attempt of the
/// call. Bound in the body by the attribute's `context = cx`, and handed to the closure of
/// [`Policy::retry_with_context`](crate::Policy::retry_with_context) and
/// [`Policy::retry_async_with_context`](crate::Policy::retry_async_with_context).
///
/// A `Context` is a snapshot: `elapsed` and [`remaining`](Context::remaining) are read when
/// the attempt starts, on the call's clock (see "Clocks" in the crate docs).
///
/// ```
/// use retry_runtime::{retry, Context};
/// use std::cell::RefCell;
///
/// thread_local! {
///     static SENT: RefCell<Vec<(u32, u128)>> = const { RefCell::new(Vec::new()) };
/// }
///
/// /// Sends the attempt's number and the call's idempotency key, as a client would in
/// /// `x-retry-attempt` and `idempotency-key` headers.
/// fn send(cx: Context) -> Result<(), String> {
///     SENT.with_borrow_mut(|sent| sent.push((cx.attempt, cx.call_id)));
///     if cx.attempt < 3 { Err("503".into()) } else { Ok(()) }
/// }
///
/// #[retry(max = 3, base = "0s", context = cx)]
/// fn charge() -> Result<(), String> {
///     send(cx)
/// }
///
/// assert_eq!(charge(), Ok(()));
/// let sent = SENT.with_borrow(Clone::clone);
/// assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3]);
/// // One key for every attempt of the call.
/// assert!(sent.iter().all(|s| s.1 == sent[0].1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    /// The 1-based number of this attempt. Each attempt of a hedged call has its own.
    pub attempt: u32,
    /// The time since the call's first attempt started, as this one starts (recorded
    /// sleeps count, see [`testing`](crate::testing)).
    pub elapsed: Duration,
    /// A random id, the same for every attempt of one call and drawn anew for each call
    /// (never 0): an idempotency key, so that a server can tell a retry of a request it
    /// already carried out (an attempt cut by `attempt_timeout` that still reached it) from
    /// a new request.
    pub call_id: u128,
    /// The policy's `deadline`, if it has one.
    deadline: Option<Duration>,
}

impl Context {
    /// The time left before the policy's `deadline` as this attempt starts, to pass on as
    /// the timeout of the call it makes downstream; `None` without a deadline, zero once it
    /// has passed.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().base(Duration::from_secs(1)).deadline(Duration::from_secs(10));
    /// let mut left = Vec::new();
    /// let _: Result<(), &str> = policy
    ///     .retry_async_with_context(|cx| {
    ///         left.push(cx.remaining().unwrap().as_secs());
    ///         async { Err("down") }
    ///     })
    ///     .await;
    /// assert_eq!(left, [10, 9, 7]); // after sleeps of 1 s and 2 s
    /// # }
    /// ```
    #[must_use]
    pub fn remaining(&self) -> Option<Duration> {
        let deadline = self.deadline?;
        Some(deadline.saturating_sub(self.elapsed))
    }

    /// The context of attempt `attempt`, `elapsed` into a call with the id `call_id` under a
    /// policy whose `deadline` is `deadline`.
    pub(crate) const fn new(
        attempt: u32,
        elapsed: Duration,
        call_id: u128,
        deadline: Option<Duration>,
    ) -> Self {
        Context {
            attempt,
            elapsed,
            call_id,
            deadline,
        }
    }
}

/// The id of one call, drawn when its first attempt's [`Context`] is made: a call that
/// binds no context draws none. The door that binds a context keeps one per call (a local
/// of the expansion, a field of the builder's operation).
#[derive(Debug, Clone, Copy, Default)]
pub struct CallId(u128);

impl CallId {
    /// No id yet.
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        CallId(0)
    }

    /// The call's id, drawn on first use (from the thread's `fastrand` generator, never 0).
    #[inline]
    pub(crate) fn get(&mut self) -> u128 {
        if self.0 == 0 {
            self.0 = fastrand::u128(1..);
        }
        self.0
    }
}

/// A [`Context`] on its way into an attempt of the attribute's expansion: not `Copy`, so
/// that the attempt's closure or `async` block takes it by value (a hedged attempt outlives
/// the loop's iteration that started it) and binds the user's name to
/// [`bind`](Binding::bind)'s result in the body.
#[derive(Debug)]
pub struct Binding(pub(crate) Context);

impl Binding {
    /// The context.
    #[inline]
    #[must_use]
    pub fn bind(self) -> Context {
        self.0
    }
}
