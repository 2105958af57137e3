#!/bin/sh
# Builds one guest image from its sources and the guest library.
#
#   guests/lib/build-guest.sh NAME [options] SOURCE...
#
# SOURCE files (.c or .asm) are relative to guests/NAME/. Options:
#   --output FILE     image file name in guests/NAME/ (default NAME.elf)
#   --aout            multiboot a.out-kludge header; the image is a flat
#                     binary loaded at the addresses the header gives
#   --define SYMBOL   passed to gcc and nasm as -DSYMBOL (SYMBOL may be X=Y)
#   --no-start        leave out start.asm and boot.c: the guest has its own
#                     multiboot header and entry (the rest of lib is linked)
#
# The output depends only on the sources and the tool versions: relative
# file names, no debug info, no build ids, no timestamps.
set -eu

lib_dir=$(cd "$(dirname "$0")" && pwd)
name=$1
shift
guest_dir="$lib_dir/../$name"
[ -d "$guest_dir" ] || { echo "build-guest: no directory guests/$name" >&2; exit 1; }
cd "$guest_dir"

output="$name.elf"
aout=no
with_start=yes
defines=""
sources=""
while [ $# -gt 0 ]; do
    case $1 in
        --output) output=$2; shift 2 ;;
        --aout) aout=yes; shift ;;
        --define) defines="$defines -D$2"; shift 2 ;;
        --no-start) with_start=no; shift ;;
        -*) echo "build-guest: unknown option $1" >&2; exit 1 ;;
        *) sources="$sources $1"; shift ;;
    esac
done

CC=${CC:-gcc}
CFLAGS="-m32 -march=i686 -mtune=generic -mgeneral-regs-only -O2 -std=gnu11
 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fcf-protection=none
 -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident
 -fno-tree-loop-distribute-patterns
 -Wall -Wextra -Werror -I../lib"
NASMFLAGS="-f elf32 -w+all"
LDFLAGS="-m elf_i386 -T ../lib/link.ld -nostdlib --build-id=none
 -z noexecstack -z noseparate-code -z max-page-size=0x1000 --no-warn-rwx-segments"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

objects=""
compile() { # source
    object="$work/$(echo "$1" | tr '/.' '__').o"
    case $1 in
        *.c) $CC $CFLAGS $defines -c "$1" -o "$object" ;;
        *.asm) nasm $NASMFLAGS $defines $start_defines -o "$object" "$1" ;;
        *) echo "build-guest: cannot build $1" >&2; exit 1 ;;
    esac
    objects="$objects $object"
}

start_defines=""
[ $aout = yes ] && start_defines="-DAOUT_KLUDGE"
if [ $with_start = yes ]; then
    compile ../lib/start.asm
    compile ../lib/boot.c
fi
start_defines=""
for source in $sources; do
    compile "$source"
done
for library_source in serial.c print.c cmdline.c string.c int64.c; do
    compile "../lib/$library_source"
done

ld $LDFLAGS -o "$work/image.elf" $objects
if [ $aout = yes ]; then
    objcopy -O binary "$work/image.elf" "$work/image"
else
    mv "$work/image.elf" "$work/image"
fi
mv "$work/image" "$output"
echo "built guests/$name/$output"
