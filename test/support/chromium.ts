import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's and Ubuntu's `chromium` package. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags every Chromium of the tests gets. Root in a container has no user namespace for
 * Chromium's sandbox; the others keep the browser from reaching the network on its own (updates,
 * sync, first-run pages), so that the tests stay offline.
 */
export const OFFLINE_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// @sparticuz/chromium's flags are for Lambda; these would change what a page may do (and so hide
// a dashboard bug), or fight Playwright, which chooses the headless mode itself.
const PACKAGED_FLAGS_LEFT_OUT = [
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--single-process',
  '--headless',
];

/** A Chromium to start, and where it was found. */
export interface ChromiumToLaunch {
  readonly executablePath: string;
  readonly args: readonly string[];
  /** Environment for the browser process; undefined: this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where it came from, for messages: `CHROMIUM_PATH`, `/usr/bin/chromium` or the package. */
  readonly source: string;
}

/** The packaged Chromium once extracted: its executable, flags, and the fonts folder it ships. */
export interface PackagedChromium {
  readonly executablePath: string;
  readonly args: readonly string[];
  readonly fontConfigDir: string;
}

export interface ChromiumSearch {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default '/usr/bin/chromium' */
  readonly systemPath?: string;
  /** @default fs.existsSync */
  readonly exists?: (path: string) => boolean;
  /** @default - extracts @sparticuz/chromium into the temp folder, once per machine */
  readonly packaged?: () => Promise<PackagedChromium>;
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else `/usr/bin/chromium` when
 * installed, else the headless Chromium inside the `@sparticuz/chromium` dev dependency, so
 * that `npm install && npm test` needs no system browser. Throws, saying what was tried, when
 * none of them can be had.
 */
export async function findChromium(search: ChromiumSearch = {}): Promise<ChromiumToLaunch> {
  const env = search.env ?? process.env;
  const exists = search.exists ?? existsSync;
  const systemPath = search.systemPath ?? SYSTEM_CHROMIUM;

  const configured = env.CHROMIUM_PATH;
  if (configured !== undefined && configured !== '') {
    // Someone asked for this browser: using another one instead would hide their mistake.
    if (!exists(configured)) {
      throw new Error(
        `CHROMIUM_PATH is ${configured}, and there is no file there. Point it at a Chromium or ` +
          `Chrome executable, or unset it to use ${systemPath} or the Chromium packaged in ` +
          '@sparticuz/chromium.',
      );
    }
    return { executablePath: configured, args: OFFLINE_FLAGS, source: 'CHROMIUM_PATH' };
  }
  if (exists(systemPath)) {
    return { executablePath: systemPath, args: OFFLINE_FLAGS, source: systemPath };
  }
  let packaged: PackagedChromium;
  try {
    packaged = await (search.packaged ?? extractPackagedChromium)();
  } catch (error) {
    throw new Error(
      'The browser tests found no Chromium. Tried: CHROMIUM_PATH (not set); ' +
        `${systemPath} (not there); @sparticuz/chromium (${reasonOf(error)}). Run npm install ` +
        `(the dev dependency @sparticuz/chromium ships one), install ${systemPath} ` +
        '(apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable.',
      { cause: error },
    );
  }
  return {
    executablePath: packaged.executablePath,
    args: [
      ...packaged.args.filter(
        (flag) => !PACKAGED_FLAGS_LEFT_OUT.some((left) => flag.split('=')[0] === left),
      ),
      ...OFFLINE_FLAGS.filter((flag) => !packaged.args.includes(flag)),
    ],
    // Its own fonts, so that pages render the same on a machine without any.
    env: { ...definedEntries(process.env), FONTCONFIG_PATH: packaged.fontConfigDir },
    source: '@sparticuz/chromium',
  };
}

/** Starts the Chromium `findChromium` picks; a failure names the executable and its source. */
export async function launchChromium(search: ChromiumSearch = {}): Promise<Browser> {
  const found = await findChromium(search);
  try {
    return await chromium.launch({
      executablePath: found.executablePath,
      args: [...found.args],
      ...(found.env ? { env: { ...found.env } } : {}),
    });
  } catch (error) {
    throw new Error(
      `Chromium at ${found.executablePath} (from ${found.source}) did not start: ` +
        `${reasonOf(error)}. Set CHROMIUM_PATH to another Chromium or Chrome executable.`,
      { cause: error },
    );
  }
}

// How long one extraction may hold the lock before another process takes it over: a first
// extraction takes a few seconds, so a lock this old was left by a process that died.
const STALE_LOCK_MS = 120_000;
const LOCK_WAIT_MS = 180_000;

/**
 * Extracts the packaged Chromium into the temp folder, where @sparticuz/chromium keeps it.
 * That package reuses whatever file is at `<tmp>/chromium`, even one half-written by another
 * process, or by one that was killed, or left by another version of the package; so extraction
 * is done under a lock shared by every process on the machine, and a marker says which version
 * finished extracting.
 */
export async function extractPackagedChromium(): Promise<PackagedChromium> {
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its package.json is not among its exports: read it beside the entry it does export.
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const manifest = join(dirname(entry), '..', 'package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  const temp = tmpdir();
  const marker = join(temp, 'chromium.extracted.json');
  const expected = JSON.stringify({ package: '@sparticuz/chromium', version });
  const release = await acquireLock(join(temp, 'chromium.extracting.lock'));
  try {
    const current = await readFile(marker, 'utf8').catch(() => undefined);
    if (current !== expected) {
      await rm(join(temp, 'chromium'), { force: true });
      await rm(marker, { force: true });
    }
    const executablePath = await packaged.executablePath();
    await writeFile(marker, expected);
    return { executablePath, args: packaged.args, fontConfigDir: join(temp, 'fonts') };
  } finally {
    await release();
  }
}

async function acquireLock(lockDir: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lockDir);
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const since = await stat(lockDir).then(
      (info) => info.mtimeMs,
      () => undefined,
    );
    if (since !== undefined && Date.now() - since > STALE_LOCK_MS) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `another process has been extracting Chromium for over ${LOCK_WAIT_MS / 1000} s ` +
          `(${lockDir} exists); delete that folder if no test is running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
