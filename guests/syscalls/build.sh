#!/bin/sh
# Builds syscalls.elf from syscalls.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" syscalls syscalls.asm
