#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" crc32 crc32.c
