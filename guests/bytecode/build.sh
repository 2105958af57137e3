#!/bin/sh
set -eu
exec "$(dirname "$0")/../lib/build-guest.sh" bytecode bytecode.c vm.c
