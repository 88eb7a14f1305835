import { describe, expect, it } from 'vitest';
import { cli, fakeApi } from './cli-harness';

describe('the jobs program', () => {
  it('prints its commands with --help on stdout, and exits 0', async () => {
    const { code, stdout } = await cli(['--help']);

    expect(code).toBe(0);
    for (const command of [
      'list',
      'info',
      'run',
      'history',
      'pause',
      'resume',
      'next',
      'validate',
      'new',
      'import',
    ]) {
      expect(stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    }
  });

  it('exits 2 for an unknown command, suggesting the closest one', async () => {
    const { code, stderr } = await cli(['lst']);

    expect(code).toBe(2);
    expect(stderr).toBe(
      "error: unknown command 'lst'\n(Did you mean list?)\n(add --help for usage)\n",
    );
  });

  it('exits 2 when a command misses its job name, without connecting', async () => {
    const { code, stderr, target } = await cli(['info']);

    expect(code).toBe(2);
    expect(stderr).toContain("error: missing required argument 'name'");
    expect(target).toBeUndefined();
  });

  it('exits 2 for an option a command does not take', async () => {
    const { code, stderr } = await cli(['list', '--limit', '5']);

    expect(code).toBe(2);
    expect(stderr).toContain("error: unknown option '--limit'");
  });

  it('prints the stack of an error that is not one of its own, since that is a bug to report', async () => {
    const api = fakeApi({
      listJobs: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'jobs')");
      },
    });

    const { code, stderr } = await cli(['list'], { api });

    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^error: TypeError: Cannot read properties of undefined \(reading 'jobs'\)\n\s+at /,
    );
  });
});
