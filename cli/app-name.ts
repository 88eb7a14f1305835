import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './errors';

const DEFAULT_APP_NAME = 'jobs';

/** The app's name as `cdk synth` reads it: cdk.json's `jobs:appName` context, or `jobs`. */
export async function appName(projectRoot: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(join(projectRoot, 'cdk.json'), 'utf8');
  } catch {
    return DEFAULT_APP_NAME;
  }
  try {
    const name = (JSON.parse(text) as { context?: Record<string, unknown> }).context?.[
      'jobs:appName'
    ];
    return typeof name === 'string' ? name : DEFAULT_APP_NAME;
  } catch {
    throw new CliError(
      `${join(projectRoot, 'cdk.json')} is not valid JSON, so the app's name cannot be read from it: fix the file.`,
    );
  }
}
