#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" int64 int64.c
