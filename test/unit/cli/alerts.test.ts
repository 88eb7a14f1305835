import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('replaces the config with --set', async () => {
    const sent: unknown[] = [];
    const api = fakeApi({
      putAlerts: async (_name, config) => {
        sent.push(config);
        return ALERTS;
      },
    });

    const { code, stdout } = await cli(
      ['alerts', 'nightly-report', '--set', '{"maxAlertsPerHour":3}'],
      { api },
    );

    expect(code).toBe(0);
    expect(sent).toEqual([{ maxAlertsPerHour: 3 }]);
    expect(stdout).toContain('Saved the alert config of nightly-report.');
  });

  it('prints each field error the API gives, and exits 1', async () => {
    const api = fakeApi({
      putAlerts: async () => {
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
        putAlerts: async (name) => {
          if (name === 'gone-job') {
            throw new ApiResponseError(
              404,
              { error: 'not_found', message: 'There is no job named "gone-job"' },
              '',
            );
          }
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

    it('refuses a job name beside --import', async () => {
      const { code, stderr } = await cli(['alerts', 'nightly-report', '--import', 'x.json'], {
        api: fakeApi(),
      });

      expect(code).toBe(2);
      expect(stderr).toContain('--import sets every job in the file');
    });
  });
});
