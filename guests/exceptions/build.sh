#!/bin/sh
# Builds exceptions.elf from exceptions.asm and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" exceptions exceptions.asm
