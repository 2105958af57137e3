// The one file that imports binaryen (issue 5): a small i32-centred builder
// over binaryen's Module, so the code generator speaks in guest terms and the
// wasm toolkit can be swapped without touching it. Every module built here
// imports the machine's single memory (DESIGN decision 1) and the shared
// function table that chains blocks across modules (decision 8), and uses
// only the features Node 20 runs: MVP, tail calls, sign extension, bulk
// memory, mutable globals and non-trapping float conversion.
import binaryen from 'binaryen';
import v8 from 'node:v8';

/** A binaryen expression reference. */
export type Expr = number;

const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.TailCall |
  binaryen.Features.SignExt |
  binaryen.Features.BulkMemory |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt;

const PASSES = ['simplify-locals', 'precompute', 'optimize-instructions', 'vacuum', 'remove-unused-brs', 'merge-blocks', 'coalesce-locals', 'reorder-locals'];

const I32 = binaryen.i32;
const NONE = binaryen.none;
const TABLE = 't';

/** Import module name and field names the instantiator must provide. */
export const IMPORT_MODULE = 'env';
export const IMPORT_MEMORY = 'memory';
export const IMPORT_TABLE = 'table';

export class WasmBuilder {
  private readonly m = new binaryen.Module();
  private readonly imports = new Set<string>();
  private disposed = false;

  constructor(memoryPages: number, optimizeLevel: number) {
    const m = this.m;
    m.setFeatures(FEATURES);
    m.setMemory(memoryPages, memoryPages, null, [], false, false, 'mem');
    m.addMemoryImport('mem', IMPORT_MODULE, IMPORT_MEMORY);
    m.addTable(TABLE, 1, 0xffffffff);
    m.addTableImport(TABLE, IMPORT_MODULE, IMPORT_TABLE);
    binaryen.setOptimizeLevel(optimizeLevel);
    binaryen.setShrinkLevel(0);
  }

  /** Declares an imported host function taking `params` i32s and returning an i32 or nothing. */
  importFunc(name: string, params: number, returnsI32: boolean): void {
    if (this.imports.has(name)) return;
    this.imports.add(name);
    const p = params === 0 ? NONE : binaryen.createType(new Array<number>(params).fill(I32));
    this.m.addFunctionImport(name, IMPORT_MODULE, name, p, returnsI32 ? I32 : NONE);
  }

  /** Adds an exported `() -> ()` function with `locals` i32 locals. */
  addExportedFunction(name: string, locals: number, body: Expr[]): void {
    this.m.addFunction(name, NONE, NONE, new Array<number>(locals).fill(I32), this.m.block(null, body, NONE));
    this.m.addFunctionExport(name, name);
  }

  /** Adds a block function: `params` i32 parameters, `locals` i32 locals in all (parameters included). */
  addBlockFunction(name: string, params: number, locals: number, body: Expr[]): void {
    const vars = new Array<number>(locals - params).fill(I32);
    this.m.addFunction(name, binaryen.createType(new Array<number>(params).fill(I32)), NONE, vars, this.m.block(null, body, NONE));
  }

  /**
   * Optimizes and emits the module; the builder is unusable afterwards.
   * binaryen's validator is not run (it cost a sixth of the translation
   * time): V8 validates every module it compiles, and instantiate() reports
   * what it rejects.
   */
  finish(optimize: boolean): Uint8Array {
    // binaryen's full optimize() costs ~100 ms per module whatever its size;
    // these function-local passes cost ~1-3 ms and do what matters here
    // (forward locals, fold constants, drop dead stores); V8 does the rest.
    if (optimize) this.m.runPasses(PASSES);
    const bin = this.m.emitBinary();
    this.dispose();
    return bin;
  }

  /** Text form, for debugging a translation. */
  text(): string {
    return this.m.emitText();
  }

  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.m.dispose();
    }
  }

  // ---- i32 arithmetic ----
  c(v: number): Expr {
    return this.m.i32.const(v | 0);
  }
  add(a: Expr, b: Expr): Expr {
    return this.m.i32.add(a, b);
  }
  sub(a: Expr, b: Expr): Expr {
    return this.m.i32.sub(a, b);
  }
  mul(a: Expr, b: Expr): Expr {
    return this.m.i32.mul(a, b);
  }
  and(a: Expr, b: Expr): Expr {
    return this.m.i32.and(a, b);
  }
  or(a: Expr, b: Expr): Expr {
    return this.m.i32.or(a, b);
  }
  xor(a: Expr, b: Expr): Expr {
    return this.m.i32.xor(a, b);
  }
  shl(a: Expr, b: Expr): Expr {
    return this.m.i32.shl(a, b);
  }
  shrU(a: Expr, b: Expr): Expr {
    return this.m.i32.shr_u(a, b);
  }
  shrS(a: Expr, b: Expr): Expr {
    return this.m.i32.shr_s(a, b);
  }
  rotl(a: Expr, b: Expr): Expr {
    return this.m.i32.rotl(a, b);
  }
  rotr(a: Expr, b: Expr): Expr {
    return this.m.i32.rotr(a, b);
  }
  eq(a: Expr, b: Expr): Expr {
    return this.m.i32.eq(a, b);
  }
  ne(a: Expr, b: Expr): Expr {
    return this.m.i32.ne(a, b);
  }
  eqz(a: Expr): Expr {
    return this.m.i32.eqz(a);
  }
  ltU(a: Expr, b: Expr): Expr {
    return this.m.i32.lt_u(a, b);
  }
  leU(a: Expr, b: Expr): Expr {
    return this.m.i32.le_u(a, b);
  }
  gtU(a: Expr, b: Expr): Expr {
    return this.m.i32.gt_u(a, b);
  }
  geU(a: Expr, b: Expr): Expr {
    return this.m.i32.ge_u(a, b);
  }
  ltS(a: Expr, b: Expr): Expr {
    return this.m.i32.lt_s(a, b);
  }
  leS(a: Expr, b: Expr): Expr {
    return this.m.i32.le_s(a, b);
  }
  gtS(a: Expr, b: Expr): Expr {
    return this.m.i32.gt_s(a, b);
  }
  geS(a: Expr, b: Expr): Expr {
    return this.m.i32.ge_s(a, b);
  }
  ext8s(a: Expr): Expr {
    return this.m.i32.extend8_s(a);
  }
  ext16s(a: Expr): Expr {
    return this.m.i32.extend16_s(a);
  }
  clz(a: Expr): Expr {
    return this.m.i32.clz(a);
  }
  ctz(a: Expr): Expr {
    return this.m.i32.ctz(a);
  }
  /** Number of set bits in the low byte (parity). */
  popcnt8(a: Expr): Expr {
    return this.m.i32.popcnt(this.m.i32.and(a, this.m.i32.const(0xff)));
  }
  /** 1 when the signed 64-bit product a*b differs from the sign extension of its low half (IMUL's CF/OF). */
  imulOverflows(a: Expr, b: Expr, lo: Expr): Expr {
    const m = this.m;
    return m.i64.ne(m.i64.mul(m.i64.extend_s(a), m.i64.extend_s(b)), m.i64.extend_s(lo));
  }
  /** High 32 bits of the 64-bit product of a and b (MUL, IMUL). */
  mulHigh(a: Expr, b: Expr, signed: boolean): Expr {
    const m = this.m;
    const ext = (e: Expr): Expr => (signed ? m.i64.extend_s(e) : m.i64.extend_u(e));
    return m.i32.wrap(m.i64.shr_u(m.i64.mul(ext(a), ext(b)), m.i64.const(32n)));
  }
  /** Quotient (or remainder) of the unsigned 64-bit hi:lo by d, low 32 bits (DIV; the caller rules out #DE). */
  divU64(hi: Expr, lo: Expr, d: Expr, remainder: boolean): Expr {
    const m = this.m;
    const n = m.i64.or(m.i64.shl(m.i64.extend_u(hi), m.i64.const(32n)), m.i64.extend_u(lo));
    return m.i32.wrap(remainder ? m.i64.rem_u(n, m.i64.extend_u(d)) : m.i64.div_u(n, m.i64.extend_u(d)));
  }
  select(cond: Expr, ifTrue: Expr, ifFalse: Expr): Expr {
    return this.m.select(cond, ifTrue, ifFalse);
  }

  // ---- memory (byte offsets into the one memory; `offset` is the static memarg offset) ----
  load32(addr: Expr, offset = 0): Expr {
    return this.m.i32.load(offset, 1, addr);
  }
  load16u(addr: Expr, offset = 0): Expr {
    return this.m.i32.load16_u(offset, 1, addr);
  }
  load8u(addr: Expr, offset = 0): Expr {
    return this.m.i32.load8_u(offset, 1, addr);
  }
  store32(addr: Expr, v: Expr, offset = 0): Expr {
    return this.m.i32.store(offset, 1, addr, v);
  }
  store16(addr: Expr, v: Expr, offset = 0): Expr {
    return this.m.i32.store16(offset, 1, addr, v);
  }
  store8(addr: Expr, v: Expr, offset = 0): Expr {
    return this.m.i32.store8(offset, 1, addr, v);
  }
  /** Loads `bytes` (1, 2 or 4) zero-extended. */
  loadN(bytes: number, addr: Expr, offset = 0): Expr {
    return bytes === 4 ? this.load32(addr, offset) : bytes === 2 ? this.load16u(addr, offset) : this.load8u(addr, offset);
  }
  storeN(bytes: number, addr: Expr, v: Expr, offset = 0): Expr {
    return bytes === 4 ? this.store32(addr, v, offset) : bytes === 2 ? this.store16(addr, v, offset) : this.store8(addr, v, offset);
  }
  // ---- locals and control ----
  get(local: number): Expr {
    return this.m.local.get(local, I32);
  }
  set(local: number, v: Expr): Expr {
    return this.m.local.set(local, v);
  }
  tee(local: number, v: Expr): Expr {
    return this.m.local.tee(local, v, I32);
  }
  block(stmts: Expr[]): Expr {
    return stmts.length === 1 ? stmts[0] : this.m.block(null, stmts, NONE);
  }
  /** A block yielding an i32: `stmts` then the value `last`. */
  blockValue(stmts: Expr[], last: Expr): Expr {
    return this.m.block(null, [...stmts, last], I32);
  }
  if(cond: Expr, then: Expr[], otherwise?: Expr[]): Expr {
    return this.m.if(cond, this.block(then), otherwise === undefined ? undefined : this.block(otherwise));
  }
  /** `cond ? a : b` evaluating only the arm taken (i32 result). */
  ifValue(cond: Expr, a: Expr, b: Expr): Expr {
    return this.m.if(cond, a, b);
  }
  callI32(name: string, args: Expr[]): Expr {
    return this.m.call(name, args, I32);
  }
  callVoid(name: string, args: Expr[]): Expr {
    return this.m.call(name, args, NONE);
  }
  /** Tail call through the shared table slot (block chaining). */
  chain(slot: Expr): Expr {
    return this.m.return_call_indirect(TABLE, slot, [], NONE, NONE);
  }
  /** Direct tail call to a block function of the same module, handing it `args`. */
  chainDirect(name: string, args: Expr[]): Expr {
    return this.m.return_call(name, args, NONE);
  }
  /** A block statement that `br(label)` (or a br_table) leaves. */
  labeled(label: string, body: Expr[]): Expr {
    return this.m.block(label, body, NONE);
  }
  /** br_table: branches to `labels[index]`, or to `otherwise` when index is out of range. */
  brTable(labels: string[], otherwise: string, index: Expr): Expr {
    return this.m.switch(labels, otherwise, index);
  }
  /** A loop whose body may branch back to its start with br(label). */
  loop(label: string, body: Expr[]): Expr {
    return this.m.loop(label, this.m.block(null, body, NONE));
  }
  br(label: string): Expr {
    return this.m.br(label);
  }
  ret(): Expr {
    return this.m.return();
  }
  drop(e: Expr): Expr {
    return this.m.drop(e);
  }
  nop(): Expr {
    return this.m.nop();
  }
}

/**
 * Translated code is hot by construction (blocks run interpreted until hot),
 * so it goes straight to V8's optimizing tier: its baseline tier (Liftoff)
 * runs it slower until tier-up, which on a one-second run costs more than
 * the synchronous optimizing compile (bench/RESULTS.md). The flag is
 * process-wide and applies to modules compiled after it is set; binaryen's
 * own module, compiled at import, is not affected — the CLI starts Node with
 * --no-liftoff, which speeds binaryen (and so translation) up as well.
 */
let optimizingTierOnly = false;
function useOptimizingTier(): void {
  if (optimizingTierOnly) return;
  optimizingTierOnly = true;
  v8.setFlagsFromString('--no-liftoff');
}

/** Instantiates an emitted module against the shared memory, table and host imports. */
export function instantiate(
  binary: Uint8Array,
  memory: WebAssembly.Memory,
  table: WebAssembly.Table,
  hostFunctions: Record<string, (...args: number[]) => number | void>,
  optimizingTier = true,
): WebAssembly.Exports {
  if (optimizingTier) useOptimizingTier();
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new Error(`translator: generated wasm failed validation: ${e instanceof Error ? e.message : String(e)}`);
  }
  const env: Record<string, WebAssembly.ImportValue> = { [IMPORT_MEMORY]: memory, [IMPORT_TABLE]: table };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind === 'function') env[imp.name] = hostFunctions[imp.name];
  }
  return new WebAssembly.Instance(module, { [IMPORT_MODULE]: env }).exports;
}
