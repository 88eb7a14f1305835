import { processIo } from './io';
import { runCli } from './program';

/** `npx jobctl ...`: runs the command line and sets the process's exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(argv, { io: processIo() });
}
