#!/bin/sh
# Builds timer.elf from timer.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" timer timer.asm
