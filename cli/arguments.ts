import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { CliUsageError } from './errors';

/** A commander argument parser for a whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!(number >= min && number <= max)) {
      throw new InvalidArgumentError(`It must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** The command line a person would type, quoting what the shell would split. */
export function commandLine(...parts: readonly string[]): string {
  return [
    'npx jobctl',
    ...parts.map((part) =>
      /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, "'\\''")}'`,
    ),
  ].join(' ');
}

/** A JSON option's value: the JSON text itself, or `@path` for a file's contents. */
export async function parseJsonOption(
  text: string,
  cwd: string,
  flag: string,
  example: string,
): Promise<{ value: unknown }> {
  let source = text;
  let where = flag;
  if (text.startsWith('@')) {
    const file = resolve(cwd, text.slice(1));
    where = `${flag} file ${file}`;
    try {
      source = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliUsageError(
        `Cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Pass a JSON file's path after @, or the JSON itself.`,
      );
    }
  }
  try {
    return { value: JSON.parse(source) };
  } catch (error) {
    throw new CliUsageError(
      `${where} is not valid JSON (${(error as Error).message}); pass JSON such as ${example}, quoted for your shell.`,
    );
  }
}
