#!/usr/bin/env bash
# What a user's first dependency on the runtime costs to build, against backon's: two empty
# library crates, one depending on `retry-runtime` (default features: `tokio`, with the
# macro and syn 3), one on `backon` (default features), each built from scratch in a target
# directory of its own, with every rustc invocation (the dependencies' and the crate's)
# under `valgrind --tool=callgrind`. Prints each crate's instructions (all of rustc's
# threads; build scripts and cargo itself are not counted), the largest dependencies, and
# the wall time of a plain build from scratch beside it.
#
#   scripts/dependency-cost.sh          # about 15 minutes
#   KEEP=/tmp/deps scripts/dependency-cost.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/target/dependency-cost}
if [ -n "${KEEP:-}" ]; then
  out=$KEEP
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

crate() { # name, dependency line
  mkdir -p "$work/$1/src"
  cat > "$work/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
TOML
  echo 'pub fn nothing() {}' > "$work/$1/src/lib.rs"
}

crate dep-retry-runtime "retry-runtime = { path = \"$root/retry-runtime\" }"
crate dep-backon 'backon = "1.6"'

# Every rustc under callgrind, one log per crate compiled (named after `--crate-name`).
cat > "$out/wrap.sh" <<'WRAP'
#!/usr/bin/env bash
name=unknown
prev=
for arg in "$@"; do
  [ "$prev" = --crate-name ] && name=$arg
  prev=$arg
done
# cargo asks rustc for its version and target information first: not a compilation.
if [ "$name" = unknown ]; then
  exec "$@"
fi
exec valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>"$LOGS/$name.$$.log"
WRAP
chmod +x "$out/wrap.sh"

millions() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }

echo "| crate | rustc instructions, all crates (M) | the largest | wall time from scratch (s) |"
echo "| --- | --- | --- | --- |"
for name in dep-retry-runtime dep-backon; do
  dir=$work/$name
  (cd "$dir" && cargo generate-lockfile -q)
  # Wall time first, in a target directory of its own.
  rm -rf "$out/wall-target"
  start=$(date +%s.%N)
  (cd "$dir" && CARGO_TARGET_DIR=$out/wall-target cargo build -q >/dev/null 2>&1)
  end=$(date +%s.%N)
  rm -rf "$out/wall-target"
  logs=$out/$name.logs
  rm -rf "$logs" "$out/target"
  mkdir -p "$logs"
  (cd "$dir" && LOGS=$logs CARGO_TARGET_DIR=$out/target RUSTC_WRAPPER="$out/wrap.sh" \
    cargo build -q >/dev/null 2>&1)
  rm -rf "$out/target"
  per_crate=$(for log in "$logs"/*.log; do
    crate=$(basename "$log" | sed 's/\.[0-9]*\.log$//')
    count=$(sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$log" | tr -d ,)
    echo "${count:-0} $crate"
  done | sort -rn)
  total=$(echo "$per_crate" | awk '{ s += $1 } END { print s }')
  largest=$(echo "$per_crate" | head -3 | awk '{ printf "%s%s %.0f M", (NR > 1 ? ", " : ""), $2, $1 / 1e6 }')
  echo "| $name | $(millions "$total") | $largest | $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') |"
done
echo
echo "$(rustc --version); $(valgrind --version); debug profile, default features"
