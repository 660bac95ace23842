//! The `tracing` feature: one WARN event per retry and one ERROR event per give-up (DEBUG
//! when `when` declined the failure), with stable field names, target `retry_runtime`.
#![cfg(all(feature = "tracing", feature = "tokio"))]

use std::fmt;
use std::sync::{Arc, Mutex};

use retry_runtime::{Described, Policy, RetryBudget, retry};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// One captured event: its level, target and fields (`message` included).
#[derive(Debug, Clone, PartialEq)]
struct Captured {
    level: Level,
    target: String,
    fields: Vec<(String, String)>,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(Vec::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            fields: fields.0,
        });
    }
}

fn capture(f: impl FnOnce()) -> Vec<Captured> {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::with_default(subscriber, f);
    capture.0.lock().unwrap().clone()
}

#[derive(Debug)]
struct Unavailable(u16);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Service Unavailable", self.0)
    }
}

#[retry(max = 3, base = "0s")]
fn always_503() -> Result<(), Unavailable> {
    Err(Unavailable(503))
}

#[test]
fn one_warn_per_retry_and_one_error_on_give_up() {
    let events = capture(|| drop(always_503()));
    assert_eq!(events.len(), 3, "{events:#?}");
    for (event, attempt) in events[..2].iter().zip(["1", "2"]) {
        assert_eq!(event.level, Level::WARN);
        assert_eq!(event.target, "retry_runtime");
        assert_eq!(event.field("message"), Some("retrying"));
        assert_eq!(event.field("function"), Some("always_503"));
        assert_eq!(event.field("attempt"), Some(attempt));
        assert_eq!(event.field("delay"), Some("0ns"));
        assert!(
            event.field("elapsed").is_some_and(|e| e.ends_with('s')),
            "{event:?}"
        );
        assert_eq!(event.field("error"), Some("503 Service Unavailable"));
    }
    let give_up = &events[2];
    assert_eq!(give_up.level, Level::ERROR);
    assert_eq!(give_up.field("message"), Some("giving up"));
    assert_eq!(give_up.field("function"), Some("always_503"));
    assert_eq!(give_up.field("attempts"), Some("3"));
    assert_eq!(give_up.field("reason"), Some("attempts"));
    assert!(give_up.field("elapsed").is_some(), "{give_up:?}");
    assert_eq!(give_up.field("error"), Some("503 Service Unavailable"));
}

#[derive(Debug)]
struct OnlyDebug {
    #[allow(dead_code)] // shown by `Debug` only
    code: u16,
}

#[retry(max = 2, base = "0s")]
fn debug_error() -> Result<(), OnlyDebug> {
    Err(OnlyDebug { code: 500 })
}

struct Opaque;

#[retry(max = 2, base = "0s")]
fn opaque_error() -> Result<(), Opaque> {
    Err(Opaque)
}

#[test]
fn errors_show_by_display_else_debug_else_not_at_all() {
    let events = capture(|| drop(debug_error()));
    assert_eq!(events[0].field("error"), Some("OnlyDebug { code: 500 }"));
    let events = capture(|| drop(opaque_error()));
    assert_eq!(events[0].field("error"), Some("-"));
}

#[retry(max = 5, base = "0s")]
fn succeeds() -> Result<u8, Unavailable> {
    Ok(1)
}

#[retry(max = 5, base = "0s", when = |e| e.0 != 404)]
fn not_retryable() -> Result<u8, Unavailable> {
    Err(Unavailable(404))
}

#[test]
fn no_event_for_a_success_and_a_debug_event_for_a_failure_when_declines() {
    assert!(capture(|| drop(succeeds())).is_empty());
    let events = capture(|| drop(not_retryable()));
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].level, Level::DEBUG);
    assert_eq!(events[0].field("message"), Some("giving up"));
    assert_eq!(events[0].field("reason"), Some("not_retryable"));
    assert_eq!(events[0].field("attempts"), Some("1"));
    assert_eq!(events[0].field("error"), Some("404 Service Unavailable"));
}

#[test]
fn the_closure_builders_emit_the_same_events_under_their_own_name() {
    let policy = Policy::new().base(std::time::Duration::ZERO);
    let events = capture(|| drop(policy.retry(|| Err::<(), _>(Unavailable(503))).call()));
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.level,
                e.field("function").unwrap_or_default(),
                e.field("error").unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Level::WARN, "Policy::retry", "-"),
            (Level::WARN, "Policy::retry", "-"),
            (Level::ERROR, "Policy::retry", "-"),
        ]
    );
}

#[tokio::test]
async fn a_builder_told_how_shows_the_failure_as_the_attribute_does() {
    let policy = Policy::new()
        .max_attempts(2)
        .base(std::time::Duration::ZERO);
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let failing = || Err::<(), _>(Unavailable(503));
    let _ = policy.retry(failing).describe(Described::display).call();
    let failing = || async { Err::<(), _>(OnlyDebug { code: 500 }) };
    let _ = policy.retry_async(failing).describe(Described::debug).await;
    let _ = policy
        .retry_async_with_context(|_| async { Err::<(), _>(Unavailable(599)) })
        .hedge(std::time::Duration::from_millis(1))
        .describe(|e: &Unavailable| Described::Status(e.0))
        .await;
    let events = capture.0.lock().unwrap().clone();
    let errors: Vec<_> = events.iter().map(|e| e.field("error")).collect();
    // Each call: a retry and a give-up (the hedged call's first event, the start of its
    // second attempt, has no error); every failure is shown. (A status `http` names is shown
    // with its reason only when the `tower` feature brings `http` in.)
    assert_eq!(
        errors,
        [
            Some("503 Service Unavailable"),
            Some("503 Service Unavailable"),
            Some("OnlyDebug { code: 500 }"),
            Some("OnlyDebug { code: 500 }"),
            None,
            Some("599"),
        ]
    );
}

#[test]
fn a_named_builder_call_gives_its_name_to_its_events() {
    let policy = Policy::new()
        .max_attempts(2)
        .base(std::time::Duration::ZERO);
    let failing = || Err::<(), _>(Unavailable(503));
    let events = capture(|| drop(policy.retry(failing).name("fetch_user").call()));
    let names: Vec<_> = events.iter().map(|e| e.field("function")).collect();
    assert_eq!(names, [Some("fetch_user"); 2]);
}

#[tokio::test]
async fn a_named_async_builder_call_gives_its_name_to_its_events() {
    let policy = Policy::new()
        .max_attempts(2)
        .base(std::time::Duration::ZERO);
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let failing = || async { Err::<(), _>(Unavailable(503)) };
    let _ = policy.retry_async(failing).name("fetch_user").await;
    let _ = policy
        .retry_async(failing)
        .hedge(std::time::Duration::from_millis(1))
        .name("hedged_user")
        .await;
    let events = capture.0.lock().unwrap().clone();
    let names: Vec<_> = events.iter().map(|e| e.field("function")).collect();
    // A retry and a give-up; then the hedged call's start of its second attempt and its
    // give-up.
    assert_eq!(
        names,
        [
            Some("fetch_user"),
            Some("fetch_user"),
            Some("hedged_user"),
            Some("hedged_user")
        ]
    );
}

static EMPTY: RetryBudget = RetryBudget::new(2, 0.001);

#[retry(max = 5, base = "1h", deadline = "30m")]
fn past_deadline() -> Result<u8, Unavailable> {
    Err(Unavailable(503))
}

#[retry(max = 5, base = "0s", budget = &EMPTY)]
fn over_budget() -> Result<u8, Unavailable> {
    Err(Unavailable(503))
}

#[test]
fn the_give_up_event_says_why() {
    let events = capture(|| drop(past_deadline()));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].field("reason"), Some("deadline"));
    assert_eq!(events[0].field("attempts"), Some("1"));
    let events = capture(|| drop(over_budget()));
    assert_eq!(
        events.last().and_then(|e| e.field("reason")),
        Some("budget")
    );
}

#[tokio::test]
async fn async_fns_emit_the_same_events() {
    #[retry(max = 2, base = "0s")]
    async fn fetch() -> Result<(), Unavailable> {
        Err(Unavailable(502))
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let _ = fetch().await;
    let events = capture.0.lock().unwrap().clone();
    let messages: Vec<_> = events
        .iter()
        .map(|e| e.field("message").unwrap_or_default())
        .collect();
    assert_eq!(messages, ["retrying", "giving up"]);
}

#[derive(Debug)]
struct Cut;

impl From<retry_runtime::TimedOut> for Cut {
    fn from(_: retry_runtime::TimedOut) -> Self {
        Cut
    }
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_attempt_is_visible_as_such() {
    #[retry(max = 2, base = "1s", attempt_timeout = "2s")]
    async fn hangs() -> Result<(), Cut> {
        std::future::pending().await
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let _ = hangs().await;
    let events = capture.0.lock().unwrap().clone();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            let field = |name| e.field(name).unwrap_or_default().to_string();
            (e.level, field("message"), field("attempt"), field("after"))
        })
        .collect();
    let timed_out = |attempt: &str| {
        (
            Level::WARN,
            "attempt timed out".to_string(),
            attempt.to_string(),
            "2s".to_string(),
        )
    };
    assert_eq!(summary[0], timed_out("1"));
    assert_eq!(summary[1].1, "retrying");
    assert_eq!(summary[2], timed_out("2"));
    assert_eq!(
        (summary[3].0, summary[3].1.as_str()),
        (Level::ERROR, "giving up")
    );
    assert!(
        events[1].field("elapsed").is_some_and(|e| e == "2s"),
        "{events:?}"
    );
    assert!(
        events[3].field("elapsed").is_some_and(|e| e == "5s"),
        "{events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn each_hedge_is_an_info_event() {
    // Every attempt hangs: hedges start at 50 and 100 ms; the third attempt is the last.
    #[retry(max = 3, hedge = "50ms", attempt_timeout = "1s")]
    async fn slow() -> Result<(), Cut> {
        std::future::pending().await
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let _ = slow().await;
    let events = capture.0.lock().unwrap().clone();
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            let field = |name| e.field(name).unwrap_or_default().to_string();
            (
                e.level,
                field("message"),
                field("attempt"),
                field("elapsed"),
            )
        })
        .collect();
    let hedging = |attempt: &str, elapsed: &str| {
        (
            Level::INFO,
            "hedging".to_string(),
            attempt.to_string(),
            elapsed.to_string(),
        )
    };
    assert_eq!(summary[..2], [hedging("2", "50ms"), hedging("3", "100ms")]);
    // Then the three cuts at 1 s, 1.05 s and 1.1 s, and the give-up.
    let messages: Vec<_> = summary[2..].iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "attempt timed out",
            "attempt timed out",
            "attempt timed out",
            "giving up"
        ]
    );
    assert_eq!(events[5].field("reason"), Some("attempts"));
    assert_eq!(events[5].field("elapsed"), Some("1.1s"));
}

/// A trait of the user's, in scope where `#[retry]` fns are, whose blanket method has the
/// name an autoref describer would use: the expansion's own method names are `__retry_*`,
/// so turning `tracing` on cannot make a call ambiguous (E0034).
mod a_describe_trait_in_scope {
    use super::{Unavailable, capture};
    use retry_runtime::retry;

    trait Describe {
        fn describe(&self) -> String;
    }

    impl<T: ?Sized> Describe for T {
        fn describe(&self) -> String {
            "the user's".to_string()
        }
    }

    #[retry(max = 2, base = "0s")]
    fn still_described() -> Result<(), Unavailable> {
        Err(Unavailable(503))
    }

    #[test]
    fn does_not_change_the_expansion() {
        let events = capture(|| drop(still_described()));
        assert_eq!(events[0].field("error"), Some("503 Service Unavailable"));
        assert_eq!(3_u8.describe(), "the user's");
    }
}

#[tokio::test(start_paused = true)]
async fn a_hedged_fn_describes_its_failures() {
    #[retry(max = 2, hedge = "50ms")]
    async fn hedged() -> Result<(), Unavailable> {
        Err(Unavailable(503))
    }
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let _ = hedged().await;
    let events = capture.0.lock().unwrap().clone();
    let give_up = events
        .iter()
        .find(|e| e.field("message") == Some("giving up"))
        .expect("a give-up event");
    assert_eq!(give_up.field("error"), Some("503 Service Unavailable"));
}

#[tokio::test(start_paused = true)]
async fn a_breaker_says_when_it_opens_half_opens_and_closes() {
    use retry_runtime::CircuitBreaker;
    static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(2);
    let policy = Policy::new()
        .max_attempts(2)
        .base(std::time::Duration::ZERO);
    let messages = |events: Vec<Captured>| {
        events
            .into_iter()
            .filter(|e| e.field("message").is_some_and(|m| m.starts_with("circuit")))
            .map(|e| (e.level, e.field("message").unwrap().to_string()))
            .collect::<Vec<_>>()
    };
    let opened = capture(|| {
        let _ = policy
            .retry(|| Err::<(), _>(std::io::Error::other("down")))
            .breaker(&BREAKER)
            .call();
    });
    let opened = opened
        .into_iter()
        .filter(|e| e.field("message") == Some("circuit breaker opened"));
    let opened: Vec<_> = opened.collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].level, Level::WARN);
    assert_eq!(opened[0].target, "retry_runtime");
    assert_eq!(
        (opened[0].field("failures"), opened[0].field("attempts")),
        (Some("2"), Some("2"))
    );
    tokio::time::advance(std::time::Duration::from_secs(5)).await;
    let probed = capture(|| {
        let _ = policy
            .retry(|| Ok::<_, std::io::Error>(()))
            .breaker(&BREAKER)
            .call();
    });
    assert_eq!(
        messages(probed),
        [
            (
                Level::INFO,
                "circuit breaker half-open: probing".to_string()
            ),
            (
                Level::INFO,
                "circuit breaker closed: its probe succeeded".to_string()
            ),
        ]
    );
}
