// Which path each guest instruction took under a software VMM, by virtual CPL
// (issue 14, "the direct path, made visible"): translated innocuous code (the
// direct path), sensitive and privileged instructions virtualized by a
// callout on the virtual CPU or served in place, cold code interpreted, and
// (under `te`) instructions that trapped and were emulated.
// The engine samples its counters around every run; a run never spans a CPL
// change (the callouts end it), so each run's deltas belong to one CPL.
import type { StatSection } from '../stats/report.js';

/** The engine's running totals this accounting takes deltas of. */
export interface PathCounters {
  retired: number;
  interpretedInsns: number;
  /** Translated-code callouts run on the virtual CPU / served in place. */
  onVirtualCpu: number;
  inPlace: number;
  translatedBlocks: number;
  interpretedBlocks: number;
}

const FIELDS = ['retired', 'interpretedInsns', 'onVirtualCpu', 'inPlace', 'translatedBlocks', 'interpretedBlocks'] as const;

export class PathShares {
  /** Per virtual CPL, the sum of each field's deltas. */
  private readonly byCpl = [0, 1, 2, 3].map(() => ({ retired: 0, interpretedInsns: 0, onVirtualCpu: 0, inPlace: 0, translatedBlocks: 0, interpretedBlocks: 0 }));
  /** Instructions the VMM emulated after they trapped, by virtual CPL (outside any run). */
  private readonly emulated = [0, 0, 0, 0];

  /** `n` instructions emulated at `cpl` (trap-and-emulate). */
  addEmulated(cpl: number, n: number): void {
    this.emulated[cpl & 3] += n;
  }

  /** Adds what changed between two samples to `cpl`'s account. */
  add(cpl: number, before: PathCounters, after: PathCounters): void {
    const acc = this.byCpl[cpl & 3];
    for (const f of FIELDS) acc[f] += after[f] - before[f];
  }

  /** Instructions at `cpl` in all. */
  instructions(cpl: number): number {
    return this.byCpl[cpl & 3].retired + this.emulated[cpl & 3];
  }

  section(): StatSection {
    const rows: StatSection['rows'] = [];
    const pct = (a: number, b: number): number => (b === 0 ? 0 : (100 * a) / b);
    this.byCpl.forEach((a, cpl) => {
      const all = this.instructions(cpl);
      if (all === 0 && cpl !== 0 && cpl !== 3) return;
      const direct = a.retired - a.interpretedInsns - a.onVirtualCpu - a.inPlace;
      rows.push(
        { name: `CPL ${cpl} instructions`, value: all },
        { name: `CPL ${cpl} direct (translated as themselves)`, value: direct },
        { name: `CPL ${cpl} virtualized by callout on the virtual CPU`, value: a.onVirtualCpu },
        { name: `CPL ${cpl} virtualized in place`, value: a.inPlace },
        { name: `CPL ${cpl} interpreted (cold)`, value: a.interpretedInsns },
        { name: `CPL ${cpl} trapped and emulated`, value: this.emulated[cpl] },
        { name: `CPL ${cpl} direct share`, value: pct(direct, all), unit: '%' },
        { name: `CPL ${cpl} translated blocks run`, value: a.translatedBlocks },
        { name: `CPL ${cpl} interpreted blocks`, value: a.interpretedBlocks },
      );
    });
    return { title: 'VMM paths by virtual CPL', rows };
  }
}
