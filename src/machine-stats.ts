// The statistics report of a machine (--stats / --stats-json): the run,
// exceptions and interrupts, memory translation, devices and the engine.
import { vectorName } from './cpu/exceptions.js';
import type { Machine, RunResult } from './machine.js';
import type { StatRow, StatsReport } from './stats/report.js';
import { insnsToNanoseconds } from './time/clock.js';

function vectorRows(map: ReadonlyMap<number, number>, name: (v: number) => string): StatRow[] {
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([v, n]) => ({ name: name(v), value: n }));
}

export function machineStats(m: Machine, run: RunResult | null): StatsReport {
  const retired = m.state.insnsRetired;
  const wall = run?.wallSeconds ?? 0;
  const runInsns = run?.instructions ?? retired;
  const mem = m.cpu.mem;
  const hexVector = (v: number): string => `vector 0x${v.toString(16)}`;
  return [
    {
      title: 'run',
      rows: [
        { name: 'engine', value: m.engine.name },
        { name: 'stop', value: run?.kind ?? 'not run' },
        { name: 'instructions retired', value: retired },
        { name: 'virtual time', value: insnsToNanoseconds(m.clock.now()) / 1e9, unit: 's' },
        { name: 'wall time', value: wall, unit: 's' },
        { name: 'speed', value: wall > 0 ? runInsns / wall / 1e6 : 0, unit: 'MIPS' },
      ],
    },
    { title: 'exceptions by vector', rows: [...vectorRows(m.events.exceptions, (v) => `${vectorName(v)} (${v})`), { name: 'double faults', value: m.events.doubleFaults }] },
    { title: 'software interrupts', rows: vectorRows(m.events.softwareInterrupts, hexVector) },
    { title: 'hardware interrupts by vector', rows: vectorRows(m.events.hardwareInterrupts, hexVector) },
    {
      title: 'memory',
      rows: [
        { name: 'paging', value: mem.paging ? 'on' : 'off' },
        { name: m.engine.inlineTlbProbes === true ? 'TLB hits (outside generated code)' : 'TLB hits', value: mem.tlbHits },
        { name: 'TLB misses (fills)', value: mem.tlbFills },
        { name: 'TLB flushes', value: mem.tlbFlushes },
        { name: 'page walks', value: m.walker.walks },
        { name: 'page faults from walks', value: m.walker.faults },
      ],
    },
    ...m.devices.statsSections(),
    ...m.engine.statsSections(),
  ];
}
