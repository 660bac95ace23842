//! Return types: `Result`, `Option` and a user's own `Outcome`.

use std::cell::Cell;

use retry_runtime::{Outcome, retry, testing};

#[retry(max = 4, base = "0s")]
fn first_some(tries: &Cell<u32>) -> Option<u32> {
    tries.set(tries.get() + 1);
    (tries.get() == 3).then_some(tries.get())
}

#[test]
fn none_is_a_failure() {
    let tries = Cell::new(0);
    assert_eq!(first_some(&tries), Some(3));
    assert_eq!(tries.get(), 3);
}

#[retry(max = 2, base = "0s")]
fn always_none(tries: &Cell<u32>) -> Option<u32> {
    tries.set(tries.get() + 1);
    None
}

#[test]
fn option_gives_up_with_none() {
    let tries = Cell::new(0);
    assert_eq!(always_none(&tries), None);
    assert_eq!(tries.get(), 2);
}

/// An HTTP-like status: 5xx is a failure.
#[derive(Debug, PartialEq)]
struct Status(u16);

impl Outcome for Status {
    type Success = u16;
    type Failure = u16;
    fn failure(&self) -> Option<&u16> {
        (self.0 >= 500).then_some(&self.0)
    }
    fn success(&self) -> Option<&u16> {
        (self.0 < 500).then_some(&self.0)
    }
}

#[retry(max = 5, base = "1s", when = |code| *code != 501)]
fn status(codes: &Cell<&'static [u16]>) -> Status {
    let (first, rest) = codes.get().split_first().unwrap();
    codes.set(rest);
    Status(*first)
}

#[test]
fn a_custom_outcome_decides_what_fails() {
    let codes = Cell::new(&[503, 502, 200, 500][..]);
    let (out, delays) = testing::record(|| status(&codes));
    assert_eq!(out, Status(200));
    assert_eq!(delays.len(), 2);
    // The predicate sees the custom failure value.
    let codes = Cell::new(&[503, 501, 200][..]);
    let (out, delays) = testing::record(|| status(&codes));
    assert_eq!((out, delays.len()), (Status(501), 1));
}

/// Neither a success nor a failure: returned as it is.
struct Neither;

impl Outcome for Neither {
    type Success = ();
    type Failure = ();
    fn failure(&self) -> Option<&()> {
        None
    }
    fn success(&self) -> Option<&()> {
        None
    }
}

#[retry(max = 3, when_ok = |()| true)]
fn neither(tries: &Cell<u32>) -> Neither {
    tries.set(tries.get() + 1);
    Neither
}

#[test]
fn an_outcome_that_is_neither_is_returned() {
    let tries = Cell::new(0);
    let _ = neither(&tries);
    assert_eq!(tries.get(), 1);
}
