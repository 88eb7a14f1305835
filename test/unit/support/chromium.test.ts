import { describe, expect, it } from 'vitest';
import { findChromium, OFFLINE_FLAGS, type PackagedChromium } from '../../support/chromium';

const SYSTEM = '/usr/bin/chromium';

/** A packaged Chromium that records whether it was extracted. */
function fakePackage(args: readonly string[] = ['--no-zygote']) {
  const calls: string[] = [];
  const packaged = async (): Promise<PackagedChromium> => {
    calls.push('extract');
    return { executablePath: '/tmp/chromium', args, fontConfigDir: '/tmp/fonts' };
  };
  return { packaged, calls };
}

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH over the system Chromium and the packaged one', async () => {
    const { packaged, calls } = fakePackage();

    const found = await findChromium({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
      exists: () => true,
      packaged,
    });

    expect(found).toMatchObject({ executablePath: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
    expect(calls).toEqual([]);
  });

  it('uses /usr/bin/chromium when CHROMIUM_PATH is not set', async () => {
    const { packaged, calls } = fakePackage();

    const found = await findChromium({ env: {}, exists: (path) => path === SYSTEM, packaged });

    expect(found).toMatchObject({ executablePath: SYSTEM, args: OFFLINE_FLAGS });
    expect(calls).toEqual([]);
  });

  it('falls back to the packaged Chromium, with its own fonts and without its Lambda-only flags', async () => {
    const { packaged } = fakePackage([
      '--no-zygote',
      '--disable-web-security',
      '--single-process',
      "--headless='shell'",
      '--no-sandbox',
    ]);

    const found = await findChromium({ env: {}, exists: () => false, packaged });

    expect(found.executablePath).toBe('/tmp/chromium');
    expect(found.source).toBe('@sparticuz/chromium');
    expect(found.args).toEqual(['--no-zygote', '--no-sandbox', ...OFFLINE_FLAGS.slice(1)]);
    expect(found.args).toEqual(expect.arrayContaining([...OFFLINE_FLAGS]));
    expect(found.env?.FONTCONFIG_PATH).toBe('/tmp/fonts');
  });

  it('fails naming CHROMIUM_PATH when it points at nothing, rather than using another browser', async () => {
    const { packaged, calls } = fakePackage();

    const finding = findChromium({
      env: { CHROMIUM_PATH: '/opt/missing/chrome' },
      exists: (path) => path === SYSTEM,
      packaged,
    });

    await expect(finding).rejects.toThrow(
      /CHROMIUM_PATH is \/opt\/missing\/chrome, and there is no file there/,
    );
    expect(calls).toEqual([]);
  });

  it('says everything it tried when no Chromium can be had', async () => {
    const finding = findChromium({
      env: {},
      exists: () => false,
      packaged: async () => {
        throw new Error("Cannot find package '@sparticuz/chromium'");
      },
    });

    await expect(finding).rejects.toThrow(
      "Tried: CHROMIUM_PATH (not set); /usr/bin/chromium (not there); @sparticuz/chromium (Cannot find package '@sparticuz/chromium')",
    );
  });
});
