// How the project runs a guest image under qemu-system-i386: one TCG thread,
// the serial port on stdio, and the isa-debug-exit port the guests exit through.
export function qemuArgs(image, cmdline, { icount = false } = {}) {
  return [
    '-accel', 'tcg,thread=single',
    ...(icount ? ['-icount', 'shift=0,sleep=off'] : []),
    '-m', '128', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-nic', 'none', '-no-reboot',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-kernel', image, '-append', cmdline,
  ];
}
