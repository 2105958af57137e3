#!/bin/sh
set -eu
lib="$(dirname "$0")/../lib"
"$lib/build-guest.sh" hello hello.c
"$lib/build-guest.sh" hello --aout --define AOUT_IMAGE --output hello-aout.bin hello.c
