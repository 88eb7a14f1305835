import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobAlerts } from '../../../cli/api-client';
import { ApiResponseError } from '../../../cli/errors';
import { NO_ALERT_CONFIG } from '../../../shared/alerts/alert-config';
import { cli, fakeApi, memoryIo } from './cli-harness';

const ALERTS: JobAlerts = {
  jobName: 'nightly-report',
  source: 'job',
  config: { ...NO_ALERT_CONFIG, emailRecipients: ['ops@example.com'], maxAlertsPerHour: 3 },
};

describe('jobs alerts', () => {
  it("shows a job's alert config and where it comes from", async () => {
    const api = fakeApi({ getAlerts: async () => ALERTS });

    const { code, stdout } = await cli(['alerts', 'nightly-report'], { api });

    expect(code).toBe(0);
    expect(stdout).toContain('its own entry');
    expect(stdout).toContain('ops@example.com');
    expect(stdout).toContain('3 alerts an hour');
  });

  it('prints the JSON with --json', async () => {
    const api = fakeApi({ getAlerts: async () => ALERTS });

    const { stdout } = await cli(['alerts', 'nightly-report', '--json'], { api });

    expect(JSON.parse(stdout)).toEqual(ALERTS);
  });

  it('changes only the fields given with --set, sending them to be merged (PATCH)', async () => {
    const patched: unknown[] = [];
    const api = fakeApi({
      patchAlerts: async (_name, changes) => {
        patched.push(changes);
        return ALERTS;
      },
    });

    const { code, stdout } = await cli(
      ['alerts', 'nightly-report', '--set', '{"maxAlertsPerHour":3,"slackWebhookSecret":null}'],
      { api },
    );

    expect(code).toBe(0);
    expect(patched).toEqual([{ maxAlertsPerHour: 3, slackWebhookSecret: null }]);
    expect(stdout).toContain('Saved the alert config of nightly-report.');
  });

  it('replaces the whole entry with --replace (PUT)', async () => {
    const replaced: unknown[] = [];
    const api = fakeApi({
      putAlerts: async (_name, config) => {
        replaced.push(config);
        return ALERTS;
      },
    });

    const { code } = await cli(
      ['alerts', 'nightly-report', '--replace', '{"emailRecipients":["ops@example.com"]}'],
      { api },
    );

    expect(code).toBe(0);
    expect(replaced).toEqual([{ emailRecipients: ['ops@example.com'] }]);
  });

  it('refuses --set with --replace before asking the API', async () => {
    const { code, stderr } = await cli(
      ['alerts', 'nightly-report', '--set', '{}', '--replace', '{}'],
      { api: fakeApi() },
    );

    expect(code).toBe(2);
    expect(stderr).toContain('Pass --set (change some fields) or --replace');
  });

  it('prints a "Change a field with" command that runs when pasted into a shell', async () => {
    const patched: unknown[] = [];
    const api = fakeApi({
      getAlerts: async () => ALERTS,
      patchAlerts: async (_name, changes) => {
        patched.push(changes);
        return ALERTS;
      },
    });
    const shown = await cli(['--url', 'http://localhost:4000', 'alerts', 'nightly-report'], {
      api,
    });
    const hint = /^Change (?:it|a field) with: npx jobctl (.*)$/m.exec(shown.stdout)?.[1] ?? '';

    const pasted = await cli(await shellWords(hint), { api });

    expect(hint).not.toBe('');
    expect(pasted.stderr).toBe('');
    expect(pasted.code).toBe(0);
    expect(pasted.target).toEqual({ url: 'http://localhost:4000' });
    expect(patched).toEqual([{ maxAlertsPerHour: 3 }]);
  });

  it('prints each field error the API gives, and exits 1', async () => {
    const api = fakeApi({
      patchAlerts: async () => {
        throw new ApiResponseError(
          400,
          {
            error: 'bad_request',
            message: 'Invalid alert config for "nightly-report"; nothing was saved',
            details: [{ path: 'maxAlertsPerHour', message: 'must be at least 1, got -1' }],
          },
          '',
        );
      },
    });

    const { code, stderr } = await cli(
      ['alerts', 'nightly-report', '--set', '{"maxAlertsPerHour":-1}'],
      { api },
    );

    expect(code).toBe(1);
    expect(stderr).toContain('maxAlertsPerHour');
    expect(stderr).toContain('must be at least 1, got -1');
  });

  it('refuses --set that is not JSON before asking the API', async () => {
    const { code, stderr } = await cli(['alerts', 'nightly-report', '--set', '{oops'], {
      api: fakeApi(),
    });

    expect(code).toBe(2);
    expect(stderr).toContain('--set is not valid JSON');
  });

  describe('--import', () => {
    const dirs: string[] = [];
    afterEach(async () => {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    async function importFile(content: unknown): Promise<string> {
      const dir = join(tmpdir(), `alerts-import-${randomUUID()}`);
      dirs.push(dir);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'alert-config.import.json'), JSON.stringify(content));
      return dir;
    }

    it('sets every job of the file, and exits 1 naming the ones the API refused', async () => {
      const dir = await importFile({
        'nightly-report': { emailRecipients: ['ops@example.com'] },
        'gone-job': { emailRecipients: ['ops@example.com'] },
      });
      const saved: string[] = [];
      const api = fakeApi({
        getAlerts: async (name) => {
          if (name === 'gone-job') {
            throw new ApiResponseError(
              404,
              { error: 'not_found', message: 'There is no job named "gone-job"' },
              '',
            );
          }
          return { ...ALERTS, source: 'none', config: NO_ALERT_CONFIG };
        },
        putAlerts: async (name) => {
          saved.push(name);
          return ALERTS;
        },
      });

      const { code, stdout, stderr } = await cli(
        ['alerts', '--import', 'alert-config.import.json'],
        { api, io: memoryIo({ cwd: dir }) },
      );

      expect(saved).toEqual(['nightly-report']);
      expect(stdout).toContain('Saved the alert config of nightly-report.');
      expect(stdout).toContain('Not saved for gone-job');
      expect(code).toBe(1);
      expect(stderr).toContain('1 of 2 alert configs were not saved');
    });

    it('leaves alone a job that has its own entry, printing what --force would change', async () => {
      const dir = await importFile({ 'nightly-report': { onFailure: true, emailRecipients: [] } });
      const api = fakeApi({ getAlerts: async () => ALERTS });

      const { code, stdout } = await cli(['alerts', '--import', 'alert-config.import.json'], {
        api,
        io: memoryIo({ cwd: dir }),
      });

      expect(code).toBe(0);
      expect(stdout).toContain(
        'Left alone: nightly-report has its own alert config, which --force would change:\n' +
          '  emailRecipients: ["ops@example.com"] -> []\n' +
          '  maxAlertsPerHour: 3 -> 10\n',
      );
      expect(stdout).toContain(
        "To replace it with the file's, run: npx jobctl alerts --import alert-config.import.json --force",
      );
    });

    it('replaces an entry a job already has with --force', async () => {
      const dir = await importFile({ 'nightly-report': { emailRecipients: [] } });
      const replaced: unknown[] = [];
      const api = fakeApi({
        putAlerts: async (_name, config) => {
          replaced.push(config);
          return ALERTS;
        },
      });

      const { code, stdout } = await cli(
        ['alerts', '--import', 'alert-config.import.json', '--force'],
        { api, io: memoryIo({ cwd: dir }) },
      );

      expect(code).toBe(0);
      expect(replaced).toEqual([{ emailRecipients: [] }]);
      expect(stdout).toContain('Saved the alert config of nightly-report.');
    });

    it('refuses a job name beside --import', async () => {
      const { code, stderr } = await cli(['alerts', 'nightly-report', '--import', 'x.json'], {
        api: fakeApi(),
      });

      expect(code).toBe(2);
      expect(stderr).toContain('--import sets every job in the file');
    });
  });
});

/** The words a POSIX shell makes of `line`, quotes and all, as a pasted command gets them. */
async function shellWords(line: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('/bin/sh', ['-c', `printf '%s\\0' ${line}`]);
  return stdout.split('\0').slice(0, -1);
}
