#!/usr/bin/env bash
# Fuzzes the container parsers (containers/fuzz, docs/fuzzing.md): installs cargo-fuzz if it is
# missing or another version, writes fresh seed corpora, runs every file under
# containers/fuzz/regressions/<target>/ through its target once, then fuzzes each target for
# SECONDS_PER_TARGET (argument, else $NUBEFIRMA_FUZZ_SECONDS, else 20) with libFuzzer.
# Exits non-zero on a crash, a hang or a failed build, saying where the input is. The last line
# is a cargo-style summary over the targets, for scripts/test.sh to add up.
#
#   scripts/fuzz.sh            # 20 s per target (the test run)
#   scripts/fuzz.sh 3600       # an hour per target
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-${NUBEFIRMA_FUZZ_SECONDS:-20}}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi
CARGO_FUZZ_VERSION=0.13.2
fuzz_dir=$PWD/containers/fuzz
started=$(date +%s.%N)

say() { printf '\n== %s\n' "$*"; }
summary() { # passed failed
  local elapsed
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
  local result=ok
  [ "$2" -eq 0 ] || result=FAILED
  echo "test result: $result. $1 passed; $2 failed; 0 ignored; 0 measured; 0 filtered out; finished in ${elapsed}s"
}

# The tools: nightly (libFuzzer's instrumentation needs it) and cargo-fuzz, installed only when
# missing or of another version, so a warm machine skips it.
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  summary 0 1
  exit 1
fi
have=$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$CARGO_FUZZ_VERSION" ]; then
  say "cargo install cargo-fuzz $CARGO_FUZZ_VERSION (half a minute to two, once)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked ||
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" || { summary 0 1; exit 1; }
fi
fuzz() { (cd containers && cargo +nightly fuzz "$@"); }
# What went wrong, from a target's log: the panic or sanitizer report, else the log's end.
report() {
  if grep -qE "panicked at|==ERROR:|ERROR: libFuzzer" "$1"; then
    grep -E -A 12 "panicked at|==ERROR:|ERROR: libFuzzer" "$1" | head -n 40
  else
    tail -n 40 "$1"
  fi
  echo
}

say "seed corpora (openssl)"
containers/fuzz/make-seeds.sh "$fuzz_dir/seeds" || { summary 0 1; exit 1; }

mapfile -t targets < <(fuzz list)
say "cargo fuzz build (${targets[*]})"
if ! fuzz build; then
  summary 0 "${#targets[@]}"
  exit 1
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed=0
failed=0
flags=(-rss_limit_mb=2048 -timeout=10 -max_len=16384)
for target in "${targets[@]}"; do
  ok=1
  log=$logs/$target.log
  stamp=$logs/$target.stamp
  touch "$stamp"

  # Crashes found before stay fixed: each file is run once, without fuzzing.
  mapfile -t regressions < <(find "$fuzz_dir/regressions/$target" -type f 2>/dev/null | sort)
  if [ ${#regressions[@]} -gt 0 ]; then
    say "$target: ${#regressions[@]} regression input(s)"
    if ! fuzz run "$target" "${regressions[@]}" -- "${flags[@]}" >"$log" 2>&1; then
      ok=0
      report "$log"
      echo "$target: a regression input fails again (containers/fuzz/regressions/$target/)"
    fi
  fi

  if [ $ok -eq 1 ]; then
    say "$target: fuzzing for ${seconds}s"
    # New inputs go to corpus/<target> (kept between runs on this machine); seeds are read too.
    corpora=("$fuzz_dir/corpus/$target")
    mkdir -p "${corpora[0]}"
    [ -d "$fuzz_dir/seeds/$target" ] && corpora+=("$fuzz_dir/seeds/$target")
    if fuzz run "$target" "${corpora[@]}" -- \
      -max_total_time="$seconds" -print_final_stats=1 "${flags[@]}" >"$log" 2>&1; then
      grep -E '^Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
        tr -s ' ' | paste -sd ' ' | sed "s/^/$target: /"
    else
      ok=0
      report "$log"
      echo "$target: CRASH (or hang, or out of memory). The input:"
      find "$fuzz_dir/artifacts/$target" -type f -newer "$stamp" 2>/dev/null | sed 's/^/  /'
      echo "  reproduce: cd containers && cargo +nightly fuzz run $target <input>"
      echo "  minimize:  cd containers && cargo +nightly fuzz tmin $target <input>"
      echo "  then keep the minimized input as containers/fuzz/regressions/$target/<name>"
    fi
  fi
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo
summary "$passed" "$failed"
[ "$failed" -eq 0 ]
