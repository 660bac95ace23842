use retry_runtime::Retryable;
use std::time::Duration;

#[derive(Retryable)]
enum Unclassified {
    #[retry(transient)]
    Busy,
    Forgotten,
    AlsoForgotten(u8),
}

#[derive(Retryable)]
enum Twice {
    #[retry(transient, permanent)]
    Both,
}

#[derive(Retryable)]
enum Hints {
    #[retry(permanent, hint = after)]
    Permanent { after: Duration },
    #[retry(transient, hint = missing)]
    NoSuchField { after: Duration },
    #[retry(transient, hint = 2)]
    NoSuchIndex(Duration),
    #[retry(hint = after)]
    OnlyAHint { after: Duration },
}

#[derive(Retryable)]
enum Deferring {
    #[retry(from)]
    TwoFields(u8, u8),
    #[retry(when = is_bad)]
    NoField,
}

fn is_bad(_: &u8) -> bool {
    true
}

#[derive(Retryable)]
enum Keys {
    #[retry(transient = true)]
    FlagWithValue,
    #[retry(transent)]
    Misspelt,
    #[retry]
    Bare,
}

#[derive(Retryable)]
#[retry(transient)]
enum OnTheEnum {
    #[retry(transient)]
    A,
}

#[derive(Retryable)]
enum OnAField {
    #[retry(transient)]
    A(#[retry(transient)] u8),
}

#[derive(Retryable)]
struct NoAttribute {
    code: u16,
}

#[derive(Retryable)]
union Union {
    a: u8,
}

fn main() {}
