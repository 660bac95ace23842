//! The builders' operations that are told each attempt's [`Context`]:
//! [`Policy::retry_with_context`] and [`Policy::retry_async_with_context`].

use std::future::Future;

use super::{Async, Blocking, Operation, Retrying};
use crate::attempts::MakeAttempt;
use crate::context::{CallId, Context};
use crate::engine::Rules;
use crate::outcome::Outcome;
use crate::schedule::Policy;

/// The operation of [`Policy::retry_with_context`] and
/// [`Policy::retry_async_with_context`]: a closure given each attempt's [`Context`], and the
/// call's id, drawn at its first attempt.
#[derive(Debug, Clone)]
pub struct WithContext<F> {
    op: F,
    call_id: CallId,
}

impl<F: FnMut(Context) -> Out, Out> MakeAttempt for WithContext<F> {
    type Attempt = Out;

    #[inline]
    fn make(&mut self, context: impl FnOnce(&mut CallId) -> Context) -> Out {
        let context = context(&mut self.call_id);
        (self.op)(context)
    }
}

impl<F: FnMut(Context) -> R, R: Outcome> Operation<Blocking> for WithContext<F> {
    type Outcome = R;
}

impl<F, Fut, S, L, H> Operation<Async<S, L, H>> for WithContext<F>
where
    F: FnMut(Context) -> Fut,
    Fut: Future<Output: Outcome>,
{
    type Outcome = Fut::Output;
}

impl Policy {
    /// [`retry`](Policy::retry), with an operation that is told each attempt's [`Context`]:
    /// its number, the time spent, the time left before the deadline, and the call's id,
    /// the same for every attempt (an idempotency key). The attribute's `context = cx`.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(3).base(Duration::ZERO);
    /// let mut keys = Vec::new();
    /// let result = policy
    ///     .retry_with_context(|cx| {
    ///         keys.push(cx.call_id);
    ///         if cx.attempt < 3 { Err("busy") } else { Ok(cx.attempt) }
    ///     })
    ///     .call();
    /// assert_eq!(result, Ok(3));
    /// assert!(keys.iter().all(|key| *key == keys[0]));
    /// ```
    pub fn retry_with_context<F, R>(&self, op: F) -> Retrying<'_, WithContext<F>>
    where
        F: FnMut(Context) -> R,
        R: Outcome,
    {
        Retrying {
            policy: self,
            op: WithContext::new(op),
            mode: Blocking,
            rules: Rules::new(),
            name: "Policy::retry_with_context",
        }
    }

    /// [`retry_async`](Policy::retry_async), with an operation that is told each attempt's
    /// [`Context`]. The closure takes the context by value (it is `Copy`), so its future can
    /// own it: `|cx| async move { .. }`. Each attempt of a hedged call has its own number.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// async fn get(attempt: u32, key: u128, timeout: Option<Duration>) -> Result<String, String> {
    ///     // e.g. `x-retry-attempt: {attempt}`, `idempotency-key: {key:032x}`, and the time
    ///     // left as the request's timeout.
    ///     let _ = (key, timeout);
    ///     if attempt < 2 { Err("503".into()) } else { Ok(format!("attempt {attempt}")) }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().base(Duration::from_millis(100)).deadline(Duration::from_secs(5));
    /// let body = policy
    ///     .retry_async_with_context(|cx| async move { get(cx.attempt, cx.call_id, cx.remaining()).await })
    ///     .await;
    /// assert_eq!(body.as_deref(), Ok("attempt 2"));
    /// # }
    /// ```
    pub fn retry_async_with_context<F, Fut>(&self, op: F) -> Retrying<'_, WithContext<F>, Async>
    where
        F: FnMut(Context) -> Fut,
        Fut: Future<Output: Outcome>,
    {
        Retrying {
            policy: self,
            op: WithContext::new(op),
            mode: Async::new(),
            rules: Rules::new(),
            name: "Policy::retry_async_with_context",
        }
    }
}

impl<F> WithContext<F> {
    /// `op`, whose call has drawn no id yet.
    const fn new(op: F) -> Self {
        WithContext {
            op,
            call_id: CallId::new(),
        }
    }
}
