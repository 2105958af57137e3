#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" qsort qsort.c
