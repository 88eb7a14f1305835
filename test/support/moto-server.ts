import { type ChildProcess, spawn } from 'node:child_process';

/** The account and region moto answers for, unless a request says otherwise. */
export const MOTO_ACCOUNT_ID = '123456789012';
export const MOTO_REGION = 'us-east-1';

/** moto checks no signature, but the SDK signs every request. */
export const MOTO_CREDENTIALS = { accessKeyId: 'moto', secretAccessKey: 'moto' } as const;

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: every service moto mocks answers on it. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
/** How much of the server's output to keep, to explain a server that did not start. */
const OUTPUT_TAIL_CHARS = 4_000;

/**
 * Starts `moto_server` (moto's stand-alone server, `pip install 'moto[server]'`) as a child
 * process on a port the system picks, and resolves once it answers HTTP.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const child = spawn('moto_server', ['--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process ends without stopping the server, do not leave it behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child);
  };
  try {
    const endpoint = await announcedEndpoint(child);
    await waitUntilAnswering(endpoint, child);
    return { endpoint, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The address Werkzeug prints once it listens (`Running on http://127.0.0.1:<port>`). The output
 * is read to the end, so that the server never blocks on a full pipe as it logs each request.
 */
function announcedEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let found = false;
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] && !found) {
        found = true;
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              "moto_server is not on PATH: install it with `pip install 'moto[server]'`, or run these tests without JOBS_TEST_AWS=moto",
            )
          : error,
      );
    });
    child.once('exit', (code, signal) => {
      if (!found) {
        reject(new Error(`moto_server exited (${signal ?? code}) before it listened:\n${output}`));
      }
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const giveUpAt = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode})`);
    try {
      const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > giveUpAt) {
        throw new Error(`moto_server at ${endpoint} did not answer in ${READY_TIMEOUT_MS} ms`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  // No pid: it never started (the 'error' event said why).
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
