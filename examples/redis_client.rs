//! A Redis client as a service would write it: it keeps its connection across attempts and
//! reconnects when the connection breaks, rides out a restart of the server, sends one
//! idempotency key for every attempt of a call (so that a retried charge is charged once),
//! names its calls in the logs, and counts them in `metrics`.
//!
//! ```text
//! cargo run -p retry-examples --example redis_client
//! ```
//!
//! It needs `redis-server` on the `PATH` (Debian: `apt-get install redis-server`); it
//! starts its own on a free loopback port, stops it and starts it again mid-run, and exits
//! with an error if any of its checks fails.

use std::io;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use redis::aio::MultiplexedConnection;
use redis::{RedisError, RedisResult, Script};
use retry_runtime::{Backoff, Described, Policy, classify, retry};

/// Charges `order` once per idempotency key: a retry of a charge the server already carried
/// out (its reply was lost) returns the count without counting again.
const CHARGE: &str = r"
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', 3600) then
    return redis.call('INCR', KEYS[2])
end
return tonumber(redis.call('GET', KEYS[2]) or '0')
";

/// Whether a failure is worth another attempt: its io cause says so (a refused or reset
/// connection, a broken pipe, a timeout: `classify::io`), the client saw the connection
/// drop, or the server is still loading its data after a restart. A script error or a
/// wrong type is not.
fn transient(error: &RedisError) -> bool {
    classify::source::<io::Error>(error).is_some_and(classify::io)
        || error.is_connection_dropped()
        || error.kind() == redis::ErrorKind::BusyLoadingError
}

/// A payments client: one connection, kept across calls and attempts.
struct Payments {
    client: redis::Client,
    connection: Option<MultiplexedConnection>,
    charge: Script,
    /// Drop the reply of the next charge the server carries out, as a network would.
    lose_next_reply: bool,
}

impl Payments {
    fn new(client: redis::Client) -> Self {
        Payments {
            client,
            connection: None,
            charge: Script::new(CHARGE),
            lose_next_reply: false,
        }
    }

    /// Charges `order`; every attempt of one call sends the same idempotency key, the
    /// call's id, and a broken connection is made anew by the next attempt.
    #[retry(
        max = 20,
        base = "20ms",
        max_delay = "200ms",
        jitter = "full",
        deadline = "10s",
        attempt_timeout = "1s",
        timed_out = |t| RedisError::from(io::Error::from(t)),
        context = cx,
        when = transient,
        on_retry = |a| println!("  charge {order}: attempt {} failed, retrying in {:?}", a.number, a.delay),
        on_success = |s| if s.attempts > 1 { println!("  charge {order}: succeeded after {} attempts", s.attempts) },
    )]
    async fn charge(&mut self, order: &str) -> RedisResult<i64> {
        let connection = match self.connection.take() {
            Some(connection) => connection,
            None => self.client.get_multiplexed_async_connection().await?,
        };
        let connection = self.connection.insert(connection);
        let outcome: RedisResult<i64> = self
            .charge
            .key(format!("idempotency:{:032x}", cx.call_id))
            .key(format!("charged:{order}"))
            .invoke_async(connection)
            .await;
        match outcome {
            Ok(_) if std::mem::take(&mut self.lose_next_reply) => {
                Err(io::Error::new(io::ErrorKind::ConnectionReset, "the reply was lost").into())
            }
            Err(error) if transient(&error) => {
                // The next attempt connects again.
                self.connection = None;
                Err(error)
            }
            outcome => outcome,
        }
    }

    /// How many times `order` was charged.
    async fn charged(&mut self, order: &str) -> RedisResult<i64> {
        let mut connection = self.client.get_multiplexed_async_connection().await?;
        let count: Option<i64> = redis::cmd("GET")
            .arg(format!("charged:{order}"))
            .query_async(&mut connection)
            .await?;
        Ok(count.unwrap_or(0))
    }
}

/// A `redis-server` of this program's own, on a free loopback port, keeping nothing on disk.
struct Server {
    port: u16,
    child: Child,
}

impl Server {
    fn start(port: u16) -> io::Result<Self> {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot start redis-server ({error}): install it (Debian: apt-get install redis-server)"),
                )
            })?;
        Ok(Server { port, child })
    }

    fn stop(mut self) -> io::Result<u16> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the server at `client` accepts connections: the builder, named, its
/// failures shown in the logs.
async fn wait_for(client: &redis::Client) -> RedisResult<MultiplexedConnection> {
    let policy = Policy::new()
        .max_attempts(100)
        .base(Duration::from_millis(20))
        .backoff(Backoff::Fixed);
    policy
        .retry_async(|| client.get_multiplexed_async_connection())
        .name("wait_for_redis")
        .describe(Described::display)
        .await
}

fn check(what: &str, holds: bool) -> Result<(), Box<dyn std::error::Error>> {
    println!("  {} {what}", if holds { "ok:" } else { "FAILED:" });
    if holds {
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

/// A counter as the recorder has it: its name, its labels, its count.
type Counter = (String, Vec<(String, String)>, u64);

/// The counters recorded since the last snapshot (taking one resets them).
fn counters(snapshotter: &Snapshotter) -> Vec<Counter> {
    let mut counters: Vec<_> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter_map(|(key, _, _, value)| {
            let DebugValue::Counter(count) = value else {
                return None;
            };
            let key = key.key();
            let labels = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()));
            Some((key.name().to_owned(), labels.collect(), count))
        })
        .collect();
    counters.sort();
    counters
}

/// The sum of the counters named `name` whose labels include `label`.
fn sum(counters: &[Counter], name: &str, label: (&str, &str)) -> u64 {
    counters
        .iter()
        .filter(|(n, labels, _)| {
            n == name && labels.iter().any(|(k, v)| k == label.0 && v == label.1)
        })
        .map(|(.., count)| count)
        .sum()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "retry_runtime=info".into()),
        )
        .init();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install()?;

    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = Server::start(port)?;
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))?;
    wait_for(&client).await?;
    let mut payments = Payments::new(client.clone());

    println!("1. a charge whose reply is lost is retried with the same idempotency key");
    payments.lose_next_reply = true;
    let count = payments.charge("order-1").await?;
    check(
        "the retry answered with the first charge's count",
        count == 1,
    )?;
    check(
        "the server charged once, although the script ran twice",
        payments.charged("order-1").await? == 1,
    )?;
    let count = payments.charge("order-1").await?;
    check("a new call is a new charge", count == 2)?;

    println!("2. the server restarts while a charge is being retried");
    let port = server.stop()?;
    let restart = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Server::start(port)
    });
    let count = payments.charge("order-2").await?;
    let server = restart.await??;
    check("the charge reconnected and went through", count == 1)?;

    println!("3. what the metrics recorder was told (series of the `metrics` feature)");
    let counters = counters(&snapshotter);
    for (name, labels, count) in &counters {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        println!("  {name}{{{}}} {count}", labels.join(","));
    }
    let retried = sum(
        &counters,
        "retry_calls_total",
        ("result", "success_after_retry"),
    );
    let at_once = sum(&counters, "retry_calls_total", ("result", "success"));
    let attempts = sum(&counters, "retry_attempts_total", ("function", "charge"));
    check(
        "two calls succeeded after retries (charge ×2, waiting for the server)",
        retried >= 2,
    )?;
    check("one charge succeeded at once", at_once >= 1)?;
    check("the charges took more attempts than calls", attempts > 3)?;
    drop(server);
    Ok(())
}
