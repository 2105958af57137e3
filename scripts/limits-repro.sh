#!/bin/sh
# Issue 10's reproducers, run exactly as the issue reported them (plus the
# engines and switches it names), each line: stop reason, retired count, wall
# time. Used for the table in docs/limits.md. Needs `npm run build` first.
# Usage: sh scripts/limits-repro.sh [reproducer-dir]
set -u
cd "$(dirname "$0")/.."
R=${1:-test/fixtures/limits}
T=$(mktemp -d)
for f in recurse repmovs repstos smc3; do nasm -f bin -o "$T/$f.bin" "$R/$f.asm"; done
cp "$R/pure-003.bin" "$T/"
# One row: the command, how the run ended, the run's own wall time (from
# --stats-json: from the first guest instruction to the stop) and the whole
# process's (start-up and loading included).
run() {
  start=$(date +%s.%N)
  reason=$(node --no-liftoff dist/x86dbt.mjs run "$@" --stats-json "$T/stats.json" 2>&1 >/dev/null | tail -1)
  end=$(date +%s.%N)
  wall=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).run; console.log(r.stop + ", " + r["instructions retired"] + " instructions, " + r["wall time"].toFixed(2))' "$T/stats.json")
  printf '| `%s` | %s | %s s | %.2f s |\n' "$*" "${reason:-guest exit}" "$wall" "$(echo "$end - $start" | bc)"
}
L="--load-address 0x100000"
for sw in "" "--no-page-modules" "--no-chain" "--hot 0" "--tc-size 1"; do
  run $T/pure-003.bin $L --engine dbt --max-insns 2000000 --timeout 3 $sw
done
run $T/pure-003.bin $L --engine interp --max-insns 2000000 --timeout 3
for e in interp dbt dbt-bare te; do
  run $T/repstos.bin $L --engine $e --max-insns 10000000 --timeout 3
  run $T/repmovs.bin $L --engine $e --max-insns 10000000 --timeout 3
done
run $T/recurse.bin $L --mem 16 --engine dbt --hot 0 --max-insns 3000000 --timeout 10
run $T/recurse.bin $L --mem 16 --engine interp --max-insns 3000000 --timeout 10
run guests/sieve/sieve.elf --tc-size 1 --timeout 15
run $T/smc3.bin $L --tc-size 1 --timeout 10
run $T/smc3.bin $L --tc-size 1000000 --hot 0 --timeout 10
rm -rf "$T"
