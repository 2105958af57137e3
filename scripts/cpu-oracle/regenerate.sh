#!/bin/sh
# Rebuilds the native harness and regenerates every committed CPU fixture.
# Deterministic: the same seeds give byte-identical files (on the same CPU).
set -eu
cd "$(dirname "$0")/../.."
mkdir -p scripts/cpu-oracle/.build
gcc -m32 -O2 -no-pie -Wall -Wextra -o scripts/cpu-oracle/.build/harness scripts/cpu-oracle/harness.c
npx tsx scripts/cpu-oracle/generate.ts --seed 1
npx tsx scripts/cpu-oracle/random-seq.ts --count 3000 --seed 1 --native-only --write test/fixtures/cpu/sequences.json
