#!/bin/sh
# Builds usermode.elf from usermode.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" usermode usermode.asm
