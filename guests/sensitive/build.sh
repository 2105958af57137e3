#!/bin/sh
# Builds sensitive.elf from sensitive.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" sensitive sensitive.asm
