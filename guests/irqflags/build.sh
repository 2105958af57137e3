#!/bin/sh
# Builds irqflags.elf from irqflags.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" irqflags irqflags.asm
