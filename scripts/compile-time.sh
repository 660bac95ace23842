#!/usr/bin/env bash
# Compile time of #[retry] against hand-written loops, backon and tokio-retry2.
#
# Generates four crates with the same N functions (half sync, half async) and the same
# schedule (at most 5 calls, 10 ms * 2^k capped at 1 s, jittered): one written with
# #[retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full")], one with that loop
# written by hand, one with backon and one with tokio-retry2. Then it times `cargo build`
# of each crate alone (dependencies prebuilt), in RUNS rounds that build the four in turn,
# and prints the medians and the ratios to the hand-written crate:
# - clean: the crate built from scratch (`cargo clean -p` first), in debug and release;
# - incremental: debug rebuilds after touching the source, where rustc reuses its cached
#   work for the rest of the crate but runs proc macros again.
#
#   scripts/compile-time.sh            # N=200, RUNS=5
#   N=50 RUNS=3 scripts/compile-time.sh
#   N=100 HALF=100 scripts/compile-time.sh   # sync functions only
#   RUNTIME_FEATURES='"tracing"' scripts/compile-time.sh   # the runtime's features, besides its defaults
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
n=${N:-200}
runs=${RUNS:-5}
work=${WORK:-$root/target/compile-time}
half=${HALF:-$((n / 2))}   # how many of the N functions are sync

manifest() { # name, extra dependency lines
  cat <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
tokio = { version = "1", features = ["time", "rt"] }
$2

[workspace]
TOML
}

# The crates: `hand` (the loop written out, with fastrand), `attribute` (`#[retry]`), and
# the same functions with backon 1.6 and tokio-retry2 0.9, each as its documentation writes
# them. backon has no full jitter (its jitter adds `U(0, d)`); tokio-retry2 has no sync
# retry, so its sync functions loop over its strategy, as its users do.
kinds="hand attribute backon tokio_retry2"
# Two more crates bound what any attribute can reach, for `scripts/compile-instructions.sh`
# (KINDS="hand identity builder backon attribute"): `identity`, the hand-written loops each under an
# attribute macro that returns its item unchanged (the cost of running a proc macro at all),
# and `builder`, the same schedule through `retry-runtime`'s closure builders, no macro.
extra_kinds="identity builder"

generate() {
  local kind=$1 dir=$work/$1
  mkdir -p "$dir/src"
  case $kind in
    attribute) manifest ct-attribute "retry-runtime = { path = \"$root/retry-runtime\", features = [${RUNTIME_FEATURES:-}] }" ;;
    hand) manifest ct-hand 'fastrand = "2"' ;;
    backon) manifest ct-backon 'backon = { version = "1.6", default-features = false, features = ["std", "std-blocking-sleep", "tokio-sleep"] }' ;;
    tokio_retry2) manifest ct-tokio-retry2 'tokio-retry2 = { version = "0.9", features = ["jitter"] }' ;;
    identity) manifest ct-identity "fastrand = \"2\"
identity = { path = \"$work/identity-macro\" }" ;;
    builder) manifest ct-builder "retry-runtime = { path = \"$root/retry-runtime\", features = [${RUNTIME_FEATURES:-}] }" ;;
  esac > "$dir/Cargo.toml"
  {
    echo '#![allow(clippy::all, dead_code)]'
    echo 'use std::time::Duration;'
    echo '#[derive(Debug)] pub struct Error(pub u32);'
    case $kind in
      hand | identity) cat <<'RUST' ;;
/// The delay before retry `k`: 10 ms * 2^k, capped at 1 s, full jitter.
fn delay(k: u32) -> Duration {
    let cap = Duration::from_millis(10).saturating_mul(1u32.checked_shl(k).unwrap_or(u32::MAX)).min(Duration::from_secs(1));
    Duration::from_nanos(fastrand::u64(0..=cap.as_nanos() as u64))
}
RUST
      backon) cat <<'RUST' ;;
use backon::{BlockingRetryable, ExponentialBuilder, Retryable};
/// 10 ms * 2^k, capped at 1 s, jittered; 4 retries.
fn schedule() -> ExponentialBuilder {
    ExponentialBuilder::new().with_min_delay(Duration::from_millis(10)).with_max_delay(Duration::from_secs(1)).with_max_times(4).with_jitter()
}
RUST
      builder) cat <<'RUST' ;;
use retry_runtime::{Jitter, Policy};
const POLICY: Policy = Policy::new().max_attempts(5).base(Duration::from_millis(10)).max_delay(Duration::from_secs(1)).jitter(Jitter::Full);
RUST
      tokio_retry2) cat <<'RUST' ;;
use tokio_retry2::strategy::{jitter_with_bounds, ExponentialFactorBackoff, MaxInterval};
use tokio_retry2::{Retry, RetryError};
/// 10 ms * 2^k, capped at 1 s, full jitter; 4 retries.
fn schedule() -> impl Iterator<Item = Duration> {
    ExponentialFactorBackoff::from_millis(10, 2.0).max_duration(Duration::from_secs(1)).map(jitter_with_bounds(0.0, 1.0)).take(4)
}
RUST
    esac
    for i in $(seq 1 "$n"); do
      local body="if x % $((i + 1)) == 0 { Err(Error(x)) } else { Ok(x + $i) }"
      local sync=1
      [ "$i" -le "$half" ] || sync=
      case $kind in
        attribute)
          echo '#[retry_runtime::retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full")]'
          if [ -n "$sync" ]; then
            echo "pub fn f$i(x: u32) -> Result<u32, Error> { $body }"
          else
            echo "pub async fn f$i(x: u32) -> Result<u32, Error> { tokio::task::yield_now().await; $body }"
          fi ;;
        backon)
          if [ -n "$sync" ]; then
            echo "pub fn f$i(x: u32) -> Result<u32, Error> { (|| -> Result<u32, Error> { $body }).retry(schedule()).call() }"
          else
            echo "pub async fn f$i(x: u32) -> Result<u32, Error> { (|| async { tokio::task::yield_now().await; $body }).retry(schedule()).await }"
          fi ;;
        tokio_retry2)
          if [ -n "$sync" ]; then
            cat <<RUST
pub fn f$i(x: u32) -> Result<u32, Error> {
    let mut delays = schedule();
    loop {
        match (|| -> Result<u32, Error> { $body })() {
            Ok(v) => return Ok(v),
            Err(e) => match delays.next() {
                Some(delay) => std::thread::sleep(delay),
                None => return Err(e),
            },
        }
    }
}
RUST
          else
            echo "pub async fn f$i(x: u32) -> Result<u32, Error> { Retry::spawn(schedule(), || async { tokio::task::yield_now().await; let r: Result<u32, Error> = $body; r.map_err(RetryError::transient) }).await }"
          fi ;;
        builder)
          if [ -n "$sync" ]; then
            echo "pub fn f$i(x: u32) -> Result<u32, Error> { POLICY.retry(|| -> Result<u32, Error> { $body }).call() }"
          else
            echo "pub async fn f$i(x: u32) -> Result<u32, Error> { POLICY.retry_async(|| async { tokio::task::yield_now().await; $body }).await }"
          fi ;;
        hand | identity)
          [ "$kind" = identity ] && echo '#[identity::identity(max = 5, base = "10ms", max_delay = "1s", jitter = "full")]'
          if [ -n "$sync" ]; then
            cat <<RUST
pub fn f$i(x: u32) -> Result<u32, Error> {
    let mut attempt = 1;
    loop {
        match (|| -> Result<u32, Error> { $body })() {
            Ok(v) => return Ok(v),
            Err(e) if attempt >= 5 => return Err(e),
            Err(_) => { std::thread::sleep(delay(attempt - 1)); attempt += 1; }
        }
    }
}
RUST
          else
            cat <<RUST
pub async fn f$i(x: u32) -> Result<u32, Error> {
    let mut attempt = 1;
    loop {
        let out: Result<u32, Error> = async { tokio::task::yield_now().await; $body }.await;
        match out {
            Ok(v) => return Ok(v),
            Err(e) if attempt >= 5 => return Err(e),
            Err(_) => { tokio::time::sleep(delay(attempt - 1)).await; attempt += 1; }
        }
    }
}
RUST
          fi ;;
      esac
    done
  } > "$dir/src/lib.rs"
}

# Builds the crate in $1 once, to check that it compiles and to build its dependencies.
prepare() {
  if ! (cd "$1" && cargo build -q $2 >/dev/null 2>&1); then
    (cd "$1" && cargo build $2) >&2 || true
    echo "$1 does not build" >&2
    exit 1
  fi
}

# The seconds one build of the crate in $1 alone takes (flags $2, mode $3: clean or
# incremental).
measure() {
  local package
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$1/Cargo.toml")
  if [ "$3" = clean ]; then
    (cd "$1" && cargo clean -q $2 -p "$package")
  fi
  touch "$1/src/lib.rs"
  local start end
  start=$(date +%s.%N)
  (cd "$1" && cargo build -q $2 >/dev/null 2>&1) || exit 1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v h="$2" 'BEGIN { printf "%.2f", a / h }'; }

# The attribute of the `identity` crate.
mkdir -p "$work/identity-macro/src"
cat > "$work/identity-macro/Cargo.toml" <<'TOML'
[package]
name = "identity"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
proc-macro = true

[workspace]
TOML
cat > "$work/identity-macro/src/lib.rs" <<'RUST'
/// Returns the item unchanged.
#[proc_macro_attribute]
pub fn identity(_: proc_macro::TokenStream, item: proc_macro::TokenStream) -> proc_macro::TokenStream {
    item
}
RUST
for kind in $kinds $extra_kinds; do generate "$kind"; done
# `scripts/compile-instructions.sh` measures the same crates with callgrind instead.
[ -n "${GENERATE_ONLY:-}" ] && exit 0
export CARGO_TARGET_DIR=$work/target
echo "| build | hand-written loops (s) | #[retry] (s) | backon (s) | tokio-retry2 (s) |"
echo "| --- | --- | --- | --- | --- |"
for build in "debug clean" "release clean" "debug incremental"; do
  set -- $build
  flag=""
  [ "$1" = release ] && flag="--release"
  for kind in $kinds; do prepare "$work/$kind" "$flag"; done
  # Rounds alternate the crates, so that a slow moment of the machine falls on all four.
  declare -A times=()
  for _ in $(seq 1 "$runs"); do
    for kind in $kinds; do
      times[$kind]="${times[$kind]:-} $(measure "$work/$kind" "$flag" "$2")"
    done
  done
  hand=$(median ${times[hand]})
  row="| $1, $2 | $hand"
  for kind in attribute backon tokio_retry2; do
    m=$(median ${times[$kind]})
    row="$row | $m ($(ratio "$m" "$hand")x)"
  done
  echo "$row |"
  unset times
done
echo
echo "$n functions ($half sync, $((n - half)) async), median of $runs rounds (each builds the four crates alone, in turn); $(rustc --version)"
