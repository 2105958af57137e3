#!/bin/sh
# Builds mmuops.elf from mmuops.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" mmuops mmuops.asm
