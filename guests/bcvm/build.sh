#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" bcvm bcvm.c vm-switch.c vm-table.c
