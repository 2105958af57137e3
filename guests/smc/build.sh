#!/bin/sh
# Builds smc.elf from smc.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" smc smc.asm
