#!/bin/sh
# Rebuilds the native harnesses and regenerates every committed CPU fixture.
# Deterministic: the same seeds give byte-identical files (on the same CPU).
#
# The single-form shards and sequences.json need a host that executes 32-bit
# code (harness.c, gcc -m32). The long-mode shard sequences-long.json is
# recorded in a 64-bit process (harness64.c, long-mode.ts): that step is the
# path for hosts without 32-bit execution (e.g. a Firecracker/PVM guest, where
# a -m32 binary is "Exec format error"), and runs on any x86-64 Linux host.
set -eu
cd "$(dirname "$0")/../.."
mkdir -p scripts/cpu-oracle/.build
if gcc -m32 -O2 -no-pie -Wall -Wextra -o scripts/cpu-oracle/.build/harness scripts/cpu-oracle/harness.c 2>/dev/null &&
  scripts/cpu-oracle/.build/harness </dev/null 2>/dev/null; then
  npx tsx scripts/cpu-oracle/generate.ts --seed 1
  npx tsx scripts/cpu-oracle/random-seq.ts --count 3000 --seed 1 --native-only --write test/fixtures/cpu/sequences.json
else
  echo "regenerate.sh: this host cannot build or run 32-bit code: single-form shards and sequences.json left as they are" >&2
fi
gcc -O2 -Wall -Wextra -o scripts/cpu-oracle/.build/harness64 scripts/cpu-oracle/harness64.c
npx tsx scripts/cpu-oracle/random-seq.ts --long-mode --count 2000 --seed 1 --native-only --write test/fixtures/cpu/sequences-long.json
