#!/bin/sh
# Records the expected serial output and exit status of every run of the
# named guests (all guests when none are named) into their guest.json by
# running the committed images under qemu-system-i386. A run that does not
# finish within its timeout is not recorded, and the script fails.
#   scripts/record-guests.sh [--measure] [name...]
set -eu
cd "$(dirname "$0")/.."
exec node scripts/guest-runs.mjs record "$@"
