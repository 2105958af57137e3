#!/bin/sh
# Builds paging.elf from paging.asm (with ../exceptions/syskit.inc) and the guest library.
set -eu
"$(dirname "$0")/../lib/build-guest.sh" paging paging.asm
