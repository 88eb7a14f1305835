import type { IncomingMessage } from 'node:http';

// The names a browser on this machine reaches the server by. Any other Host means the request
// was made for another name that resolved here: how DNS rebinding turns a web site into a
// client of localhost.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why the local server must not answer `request`, or undefined when it may: its Host is not
 * this server's, or it comes from a web page of another origin (any page the user visits can
 * send requests to localhost). Tools that send no Origin (curl, scripts, the CLI) pass.
 */
export function refusalOf(request: IncomingMessage, port: number): string | undefined {
  const ownUrl = `http://localhost:${port}`;
  const host = request.headers.host;
  if (host !== undefined && !isThisServer(`http://${host}`, port)) {
    return `The request was for host "${host}", which is not this server (localhost:${port}): it was refused, since a request for another name that reaches this machine is how DNS rebinding attacks work. Use ${ownUrl}.`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !isThisServer(origin, port)) {
    return `The request came from a web page at ${origin}: it was refused, so that other web sites you visit cannot read or run your jobs. Open the dashboard at ${ownUrl}; curl, scripts and npx jobctl, which send no Origin, are answered as always.`;
  }
  return undefined;
}

function isThisServer(origin: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    LOOPBACK_NAMES.has(url.hostname) &&
    (url.port === '' ? 80 : Number(url.port)) === port
  );
}
