/** One CLI subcommand. `run` returns the process exit status. */
export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}
