#!/usr/bin/env bash
# The compile time of #[retry] against hand-written loops in instructions, which callgrind
# counts the same on a busy or an idle machine: the crates of `scripts/compile-time.sh`
# (N functions, half sync, half async), each built alone under `valgrind --tool=callgrind`
# (all of rustc's threads):
# - release, from scratch (`cargo clean -p` first);
# - debug, incremental (after touching the source), with the instructions spent inside the
#   macro's expansions.
#
#   scripts/compile-instructions.sh               # N=200; about 2 minutes
#   N=100 HALF=100 scripts/compile-instructions.sh  # sync functions only
#   KEEP=/tmp/profiles scripts/compile-instructions.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/target/compile-time}
GENERATE_ONLY=1 WORK=$work "$root/scripts/compile-time.sh"
export CARGO_TARGET_DIR=$work/target
# KEEP=dir keeps the profiles there; the last, `callgrind.out`, is the incremental build of
# the `#[retry]` crate (`callgrind_annotate --inclusive=yes dir/callgrind.out`).
if [ -n "${KEEP:-}" ]; then
  out=$KEEP
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
# rustc under callgrind for the generated crate only; its dependencies build as usual.
cat > "$out/wrap.sh" <<WRAP
#!/usr/bin/env bash
if [[ " \$* " == *" --crate-name ct_"* ]]; then
  exec valgrind --tool=callgrind --callgrind-out-file=$out/callgrind.out "\$@" 2>"$out/valgrind.log"
fi
exec "\$@"
WRAP
chmod +x "$out/wrap.sh"

# Instructions of one build of the crate in $1 (flags $2, mode $3: clean or incremental).
count() {
  (cd "$1" && cargo build -q $2 >/dev/null 2>&1)
  local package
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$1/Cargo.toml")
  if [ "$3" = clean ]; then
    (cd "$1" && cargo clean -q $2 -p "$package")
  fi
  touch "$1/src/lib.rs"
  (cd "$1" && RUSTC_WRAPPER="$out/wrap.sh" cargo build -q $2 >/dev/null 2>&1)
  sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' "$out/valgrind.log" | tr -d ,
}

# Instructions inside the macro in the last count (0 for the hand-written crate).
in_macro() {
  callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null |
    sed -n 's/^ *\([0-9,]*\) .*retry_macro::retry \[.*/\1/p' | tr -d , | head -1
}

millions() { awk -v n="$1" 'BEGIN { printf "%.0f", n / 1e6 }'; }

echo "| build | hand-written loops (M instructions) | #[retry] (M instructions) | ratio |"
echo "| --- | --- | --- | --- |"
hand=$(count "$work/hand" --release clean)
attribute=$(count "$work/attribute" --release clean)
echo "| release, from scratch | $(millions "$hand") | $(millions "$attribute") | $(awk -v a="$attribute" -v h="$hand" 'BEGIN { printf "%.2f", a / h }')x |"
hand=$(count "$work/hand" "" incremental)
attribute=$(count "$work/attribute" "" incremental)
macro=$(in_macro)
echo "| debug, incremental | $(millions "$hand") | $(millions "$attribute") (in the macro: $(millions "${macro:-0}")) | $(awk -v a="$attribute" -v h="$hand" 'BEGIN { printf "%.2f", a / h }')x |"
echo
echo "$(grep -c '^pub fn' "$work/attribute/src/lib.rs") sync and $(grep -c '^pub async fn' "$work/attribute/src/lib.rs") async functions; $(rustc --version); $(valgrind --version)"
