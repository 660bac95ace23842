//! The async builder for operations that keep state across attempts:
//! [`Policy::retry_async_mut`] takes an `async` closure (`AsyncFnMut`) whose future may
//! borrow the closure's captures mutably (a connection taken and put back, a cursor), and
//! [`Retrying::run`] runs it.
//!
//! Why `.run()` rather than `.await`: each attempt's future borrows the closure, which the
//! call owns, so the call's future refers to itself. Only a compiler-written state machine
//! (an `async fn`) can hold that without a heap allocation, and its type cannot be named,
//! which `IntoFuture` needs. `.run()` returns that future; nothing runs until it is
//! awaited.

use std::time::Duration;

use super::{Operation, Retrying};
use crate::engine::{Engine, Keys, Rules, admit, judge, timed};
use crate::outcome::Outcome;
use crate::schedule::Policy;
use crate::time::{AsyncSleep, DefaultSleep, Timing, sleep_async};

/// The mode of [`Policy::retry_async_mut`]: attempts are the futures of an `async` closure
/// that may borrow its own state, one after another, sleeping with `S` (`tokio::time::sleep`
/// unless [`Retrying::sleep_mut`] says otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncMut<S = DefaultSleep> {
    pub(crate) sleep: S,
}

impl<F, R, S> Operation<AsyncMut<S>> for F
where
    F: AsyncFnMut() -> R,
    R: Outcome,
{
    type Outcome = R;
}

impl Policy {
    /// Retries an `async` closure that keeps state across attempts: its future may borrow
    /// what the closure captured, mutably, as a hand-written loop would (see the
    /// [module docs](crate::builder) for why the call is then started with
    /// [`.run()`](Retrying::run) rather than `.await`). The keys are those of
    /// [`retry_async`](Policy::retry_async), but `attempt_timeout` and `hedge`: attempts
    /// that share mutable state cannot overlap, and one cut mid-way would leave it half
    /// changed.
    ///
    /// A client that reconnects when its connection fails, and keeps it for the next call:
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// struct Connection { healthy: bool }
    ///
    /// impl Connection {
    ///     async fn query(&mut self, key: &str) -> Result<String, &'static str> {
    ///         if self.healthy { Ok(format!("value of {key}")) } else { Err("connection reset") }
    ///     }
    /// }
    ///
    /// async fn connect(attempt: u32) -> Result<Connection, &'static str> {
    ///     Ok(Connection { healthy: attempt > 1 }) // the first connection is a stale one
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(3).base(Duration::from_millis(50));
    /// let mut connection: Option<Connection> = None;
    /// let mut connects = 0;
    /// let value = policy
    ///     .retry_async_mut(async || {
    ///         let conn = match connection.as_mut() {
    ///             Some(conn) => conn,
    ///             None => {
    ///                 connects += 1;
    ///                 connection.insert(connect(connects).await?)
    ///             }
    ///         };
    ///         let answer = conn.query("user:7").await;
    ///         if answer.is_err() {
    ///             connection = None; // reconnect on the next attempt
    ///         }
    ///         answer
    ///     })
    ///     .on_retry(|a| eprintln!("attempt {} failed: {:?}", a.number, a.error()))
    ///     .run()
    ///     .await;
    /// assert_eq!(value.as_deref(), Ok("value of user:7"));
    /// assert_eq!(connects, 2);
    /// assert!(connection.is_some(), "kept for the next call");
    /// # }
    /// ```
    pub fn retry_async_mut<Op: Operation<AsyncMut>>(&self, op: Op) -> Retrying<'_, Op, AsyncMut> {
        Retrying {
            policy: self,
            op,
            mode: AsyncMut {
                sleep: DefaultSleep,
            },
            rules: Rules::new(),
            name: "Policy::retry_async_mut",
        }
    }
}

impl<'p, Op, S, K> Retrying<'p, Op, AsyncMut<S>, K> {
    /// The async sleep of another runtime (see [`AsyncSleep`]), as
    /// [`sleep`](Retrying::sleep) for [`retry_async`](Policy::retry_async).
    pub fn sleep_mut<S2: AsyncSleep>(self, sleep: S2) -> Retrying<'p, Op, AsyncMut<S2>, K> {
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: AsyncMut { sleep },
            rules: self.rules,
            name: self.name,
        }
    }
}

impl<Op, R, S, K> Retrying<'_, Op, AsyncMut<S>, K>
where
    Op: AsyncFnMut() -> R,
    R: Outcome,
    S: AsyncSleep,
    K: Keys<R>,
{
    /// Runs the call: attempts until one succeeds or the policy gives up, sleeping between
    /// them on the call's async sleep; the future resolves to the last outcome.
    pub async fn run(mut self) -> R {
        let timed = timed::<R, K>();
        let mut engine = Engine::new(self.policy, timed, Timing::Async);
        loop {
            let outcome = match admit(&self.rules, &mut engine) {
                Some(refused) => refused,
                None => (self.op)().await,
            };
            let judged = (&outcome, false);
            let delay: Option<Duration> =
                judge(&self.rules, &mut engine, self.policy, judged, self.name);
            match delay {
                Some(delay) => {
                    drop(outcome);
                    sleep_async(delay, &self.mode.sleep).await;
                }
                None => return outcome,
            }
        }
    }
}
