// Runs the same code under the interpreter and the dbt engine in two flat
// user contexts and returns both final states, for differential tests.
import { FlatUserContext } from '../../src/interp/flat.js';
import { StopReason } from '../../src/interp/interpreter.js';
import { DbtDispatcher as DbtEngine, type DbtOptions } from '../../src/engines/dbt-dispatcher.js';

export const CODE = 0x10000000;
export const DATA = 0x20000000;
export const DATA_SIZE = 0x4000;
const CODE_SIZE = 0x2000;

export interface RunOutcome {
  reason: StopReason;
  vector: number;
  eip: number;
  regs: number[];
  eflags: number;
  retired: number;
  data: Uint8Array;
  /** Retired count and EIP at every stop of a run in `slice`-instruction steps. */
  trace: string[];
}

export interface Engine {
  run(n: number): StopReason;
  fault: { vector: number } | null;
  trapVector: number;
}

function context(code: Uint8Array): FlatUserContext {
  const c = new FlatUserContext([
    { linear: CODE, size: CODE_SIZE },
    { linear: DATA, size: DATA_SIZE },
  ]);
  c.fill(CODE, CODE_SIZE, 0xcc);
  c.writeBytes(CODE, code);
  c.state.setReg32(4, DATA + 0x3800);
  c.state.eip = CODE;
  return c;
}

export function runOn(
  code: Uint8Array,
  engine: 'interp' | 'dbt',
  opts: Partial<DbtOptions> = {},
  setup?: (c: FlatUserContext) => void,
  slice = 1_000_000,
  maxInsns = 5_000_000,
): RunOutcome & { dbt?: DbtEngine } {
  const c = context(code);
  setup?.(c);
  const dbt = engine === 'dbt' ? new DbtEngine(c.interp, opts) : undefined;
  const e: Engine = dbt ?? c.interp;
  const trace: string[] = [];
  let reason: StopReason = StopReason.BUDGET;
  while (c.state.insnsRetired < maxInsns) {
    reason = e.run(slice);
    trace.push(`${reason}@${c.state.insnsRetired}:${c.state.eip.toString(16)}`);
    if (reason !== StopReason.BUDGET) break;
  }
  return {
    reason,
    vector: reason === StopReason.FAULT ? (e.fault?.vector ?? -1) : reason === StopReason.TRAP ? e.trapVector : -1,
    eip: c.state.eip,
    regs: c.regs(),
    eflags: c.eflags(),
    retired: c.state.insnsRetired,
    data: c.readBytes(DATA, DATA_SIZE),
    trace,
    dbt,
  };
}
