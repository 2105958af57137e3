#!/bin/sh
# Builds every guest image: runs each guests/*/build.sh.
set -eu
cd "$(dirname "$0")/.."
for build in guests/*/build.sh; do
    "$build"
done
