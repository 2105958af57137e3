#!/bin/sh
# Checks that the committed guest images are what their sources build:
# rebuilds every guest in a scratch copy of guests/ and compares each image
# byte for byte with the committed one, naming any that differ.
#   scripts/check-guests.sh           images only
#   scripts/check-guests.sh --run     also run every guest.json run under
#                                     qemu and compare output and exit status
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cp -R guests "$scratch/guests"
for build in "$scratch"/guests/*/build.sh; do
    "$build" > /dev/null
done

status=0
checked=0
for guest_dir in guests/*/; do
    guest=$(basename "$guest_dir")
    for image in "$guest_dir"*.elf "$guest_dir"*.bin; do
        [ -e "$image" ] || continue
        checked=$((checked + 1))
        if ! cmp -s "$image" "$scratch/guests/$guest/$(basename "$image")"; then
            echo "check-guests: $image differs from what its sources build" >&2
            status=1
        fi
    done
done
echo "check-guests: $checked images compared"
[ $status -eq 0 ] || exit $status

if [ "${1:-}" = "--run" ]; then
    node "$repo/scripts/guest-runs.mjs" verify
fi
