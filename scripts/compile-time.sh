#!/usr/bin/env bash
# Compile time of #[retry] against hand-written loops.
#
# Generates two crates with the same N functions (half sync, half async), one written with
# #[retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full")] and one with the loop
# that attribute stands for written by hand (same schedule, same jitter), then times
# `cargo build` of each crate alone (dependencies prebuilt), RUNS times each, and prints the
# medians and the ratios:
# - clean: the crate built from scratch (`cargo clean -p` first), in debug and release;
# - incremental: debug rebuilds after touching the source, where rustc reuses its cached
#   work for the rest of the crate but runs proc macros again.
#
#   scripts/compile-time.sh            # N=200, RUNS=5
#   N=50 RUNS=3 scripts/compile-time.sh
#   N=100 HALF=100 scripts/compile-time.sh   # sync functions only
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

generate() {
  local kind=$1 dir=$work/$1
  mkdir -p "$dir/src"
  if [ "$kind" = attribute ]; then
    manifest ct-attribute "retry-runtime = { path = \"$root/retry-runtime\" }" > "$dir/Cargo.toml"
  else
    manifest ct-hand 'fastrand = "2"' > "$dir/Cargo.toml"
  fi
  {
    echo '#![allow(clippy::all, dead_code)]'
    echo 'use std::time::Duration;'
    echo '#[derive(Debug)] pub struct Error(pub u32);'
    if [ "$kind" = hand ]; then
      cat <<'RUST'
/// The delay before retry `k`: 10 ms * 2^k, capped at 1 s, full jitter.
fn delay(k: u32) -> Duration {
    let cap = Duration::from_millis(10).saturating_mul(1u32.checked_shl(k).unwrap_or(u32::MAX)).min(Duration::from_secs(1));
    Duration::from_nanos(fastrand::u64(0..=cap.as_nanos() as u64))
}
RUST
    fi
    for i in $(seq 1 "$n"); do
      local body="if x % $((i + 1)) == 0 { Err(Error(x)) } else { Ok(x + $i) }"
      if [ "$kind" = attribute ]; then
        echo '#[retry_runtime::retry(max = 5, base = "10ms", max_delay = "1s", jitter = "full")]'
        if [ "$i" -le "$half" ]; then
          echo "pub fn f$i(x: u32) -> Result<u32, Error> { $body }"
        else
          echo "pub async fn f$i(x: u32) -> Result<u32, Error> { tokio::task::yield_now().await; $body }"
        fi
      elif [ "$i" -le "$half" ]; then
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
      fi
    done
  } > "$dir/src/lib.rs"
}

# Median of the seconds the build of the crate alone takes.
measure() { # dir, profile flag, mode (clean or incremental)
  local times=()
  # The first build checks that the crate compiles (and builds its dependencies).
  if ! (cd "$1" && cargo build -q $2 >/dev/null 2>&1); then
    (cd "$1" && cargo build $2) >&2 || true
    echo "$1 does not build" >&2
    exit 1
  fi
  local package
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$1/Cargo.toml")
  for _ in $(seq 1 "$runs"); do
    if [ "$3" = clean ]; then
      (cd "$1" && cargo clean -q $2 -p "$package")
    fi
    touch "$1/src/lib.rs"
    local start end
    start=$(date +%s.%N)
    (cd "$1" && cargo build -q $2 >/dev/null 2>&1) || exit 1
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

generate attribute
generate hand
# `scripts/compile-instructions.sh` measures the same crates with callgrind instead.
[ -n "${GENERATE_ONLY:-}" ] && exit 0
export CARGO_TARGET_DIR=$work/target
echo "| build | hand-written loops (s) | #[retry] (s) | ratio |"
echo "| --- | --- | --- | --- |"
for build in "debug clean" "release clean" "debug incremental"; do
  set -- $build
  flag=""
  [ "$1" = release ] && flag="--release"
  hand=$(measure "$work/hand" "$flag" "$2")
  attribute=$(measure "$work/attribute" "$flag" "$2")
  ratio=$(awk -v a="$attribute" -v h="$hand" 'BEGIN { printf "%.2f", a / h }')
  echo "| $1, $2 | $hand | $attribute | ${ratio}x |"
done
echo
echo "$n functions ($half sync, $((n - half)) async), median of $runs rebuilds of the crate alone; $(rustc --version)"
