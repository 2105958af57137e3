// x86dbt command-line entry: dispatches to one subcommand per file.
import { UserError } from './errors.js';
import type { Command } from './command.js';
import { disasmCommand } from './disasm.js';
import { runCommand } from './run.js';
import { sensitiveCommand } from './sensitive.js';

const commands: Command[] = [disasmCommand, runCommand, sensitiveCommand];

function usage(): string {
  const rows = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return ['usage: x86dbt <command> [options]', '', 'commands:', ...rows, '', 'x86dbt <command> --help for its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // A usage error: the usage goes where errors go.
    process.stderr.write(`x86dbt: no command given\n${usage()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UserError(`unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')})`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`x86dbt: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      // An internal error is a bug: say so plainly, keep the stack for the report.
      const e = err instanceof Error ? err : new Error(String(err));
      process.stderr.write(`x86dbt: internal error: ${e.message}\n${e.stack ?? ''}\n`);
      process.exitCode = 70;
    }
  },
);
