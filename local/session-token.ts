import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie a page opened with the session's URL carries on every later request. Named by the
 * port: browsers share cookies across a host's ports, so two dashboards (two stacks) would
 * otherwise overwrite each other's.
 */
export function sessionCookieName(port: number): string {
  return `jobs_session_${port}`;
}
/** The query parameter of the URL `jobctl dashboard` prints. */
export const SESSION_PARAMETER = 'token';

/** How a request proves it belongs to the session: its cookie, or the token in its URL. */
export type SessionProof = 'cookie' | 'url' | undefined;

/**
 * Whether `request` carries `token`: in the session cookie, or as `?token=` (the first page
 * load, from the printed URL). Compared in constant time.
 */
export function sessionProofOf(
  request: IncomingMessage,
  url: URL,
  session: { readonly token: string; readonly port: number },
): SessionProof {
  const { token, port } = session;
  const fromUrl = url.searchParams.get(SESSION_PARAMETER);
  if (fromUrl !== null && sameText(fromUrl, token)) return 'url';
  const cookie = cookieValue(request.headers.cookie, sessionCookieName(port));
  if (cookie !== undefined && sameText(cookie, token)) return 'cookie';
  return undefined;
}

/**
 * The cookie that carries the session: HttpOnly (no script reads it) and SameSite=Strict (no
 * other site's page sends it).
 */
export function sessionCookie(session: { readonly token: string; readonly port: number }): string {
  return `${sessionCookieName(session.port)}=${session.token}; Path=/; HttpOnly; SameSite=Strict`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
