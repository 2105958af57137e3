#!/bin/sh
# Builds segments.elf from segments.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" segments segments.asm
