#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" sieve sieve.c
