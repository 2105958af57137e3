// A small, strict argument parser: every flag is declared, unknown flags and
// malformed values are UserErrors naming the flag.
import { UserError } from './errors.js';

export type FlagKind = 'boolean' | 'string' | 'number' | 'integer';

export interface FlagSpec {
  kind: FlagKind;
  help: string;
  /** Shown in help; parsed like a user value when applied. */
  default?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface Parsed {
  flags: FlagValues;
  positional: string[];
}

/** Parses a number written in decimal, or hex with 0x; integers must be exact. */
export function parseNumber(text: string, what: string, integer: boolean): number {
  const t = text.trim();
  const n = /^-?0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t, 16) : /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) {
    throw new UserError(`${what}: expected ${integer ? 'an integer' : 'a number'}, got '${text}'`);
  }
  return n;
}

export function parseArgs(command: string, argv: readonly string[], specs: FlagSpecs): Parsed {
  const flags: FlagValues = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UserError(`${command}: unknown flag --${name} (see x86dbt ${command} --help)`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UserError(`${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    if (value === undefined) throw new UserError(`${command}: --${name} needs a value`);
    flags[name] = spec.kind === 'string' ? value : parseNumber(value, `--${name}`, spec.kind === 'integer');
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (flags[name] === undefined && spec.default !== undefined) {
      flags[name] = spec.kind === 'string' ? spec.default : parseNumber(spec.default, `--${name}`, spec.kind === 'integer');
    }
  }
  return { flags, positional };
}

export function formatHelp(usage: string, specs: FlagSpecs): string {
  const lines = [`usage: ${usage}`];
  for (const [name, spec] of Object.entries(specs)) {
    const value = spec.kind === 'boolean' ? '' : ` <${spec.kind === 'string' ? 'text' : 'n'}>`;
    const dflt = spec.default !== undefined ? ` (default ${spec.default})` : '';
    lines.push(`  --${(name + value).padEnd(22)} ${spec.help}${dflt}`);
  }
  return lines.join('\n');
}
