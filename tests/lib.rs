//! Behaviour and UI tests of `#[retry]` and its runtime; nothing here is public API.
