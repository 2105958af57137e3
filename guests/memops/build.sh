#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" memops memops.c
