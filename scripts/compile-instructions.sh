#!/usr/bin/env bash
# The compile time of #[retry] against hand-written loops, backon and tokio-retry2, in
# instructions, which callgrind counts the same on a busy or an idle machine: the four
# crates of `scripts/compile-time.sh` (N functions, half sync, half async, one schedule),
# each built alone under `valgrind --tool=callgrind` (all of rustc's threads):
# - release and debug, from scratch (`cargo clean -p` first);
# - debug, incremental (after touching the source), with the instructions spent inside
#   `#[retry]`'s expansions.
#
#   scripts/compile-instructions.sh               # N=200; about 5 minutes
#   N=100 HALF=100 scripts/compile-instructions.sh  # sync functions only
#   KEEP=/tmp/profiles scripts/compile-instructions.sh
#   KINDS="hand attribute" BUILDS="debug incremental" scripts/compile-instructions.sh  # some
#   KINDS="hand identity builder backon attribute" BUILDS="debug incremental" \
#     scripts/compile-instructions.sh  # with the floor of any attribute, and the builders
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
  if ! (cd "$1" && cargo build -q $2 >/dev/null 2>&1); then
    (cd "$1" && cargo build $2) >&2 || true
    echo "$1 does not build" >&2
    exit 1
  fi
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
ratio() { awk -v a="$1" -v h="$2" 'BEGIN { printf "%.2f", a / h }'; }

# The crates in turn, under one build; KEEP's last profile is the `#[retry]` crate's
# incremental build, the last `attribute` count below.
kinds=${KINDS:-hand backon tokio_retry2 attribute}
declare -A title=([attribute]="#[retry]" [backon]=backon [tokio_retry2]=tokio-retry2
  [identity]="identity attribute on the hand-written loops" [builder]="retry-runtime builders")
columns=""
for kind in attribute backon tokio_retry2 identity builder; do
  [[ " $kinds " == *" $kind "* ]] && columns="$columns $kind"
done
header="| build | hand-written loops (M instructions)"
rule="| --- | ---"
for kind in $columns; do
  header="$header | ${title[$kind]}"
  rule="$rule | ---"
done
echo "$header |"
echo "$rule |"
IFS=, read -ra builds <<< "${BUILDS:-release clean,debug clean,debug incremental}"
for build in "${builds[@]}"; do
  set -- $build
  flag=""
  [ "$1" = release ] && flag="--release"
  declare -A counts=()
  for kind in $kinds; do
    counts[$kind]=$(count "$work/$kind" "$flag" "$2")
  done
  macro=$(in_macro)
  hand=${counts[hand]:-}
  row="| $1, $2 | $([ -n "$hand" ] && millions "$hand" || echo -)"
  for kind in $columns; do
    row="$row | $(millions "${counts[$kind]}")"
    [ -n "$hand" ] && row="$row ($(ratio "${counts[$kind]}" "$hand")x)"
    if [ "$kind" = attribute ] && [ "$2" = incremental ]; then
      row="$row, $(millions "${macro:-0}") M in the macro"
    fi
  done
  echo "$row |"
  unset counts
done
echo
echo "$(grep -c '^pub fn' "$work/attribute/src/lib.rs") sync and $(grep -c '^pub async fn' "$work/attribute/src/lib.rs") async functions; $(rustc --version); $(valgrind --version)"
