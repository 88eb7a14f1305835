import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request as a stand-in for API Gateway received it. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * The SigV4 authorization header the received request should carry: the signature AWS's
 * execute-api computes over the request as it arrived (method, path, query, the headers named
 * in SignedHeaders, the body's hash) with the caller's key, recomputed here.
 */
export async function expectedAuthorization(
  request: Received,
  baseUrl: string,
  signing: { readonly region: string; readonly credentials: Credentials },
): Promise<string> {
  const authorization = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const url = new URL(request.url, baseUrl);
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const expected = await new SignatureV4({
    service: 'execute-api',
    region: signing.region,
    credentials: signing.credentials,
    sha256: Hash.bind(null, 'sha256'),
  }).sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        signedHeaders.map((name) => [name, String(request.headers[name])]),
      ),
      ...(request.body !== '' ? { body: request.body } : {}),
    },
    { signingDate },
  );
  return String(expected.headers.authorization);
}

/**
 * Stands in for a deployed app's API behind API Gateway's IAM authorizer: checks the SigV4
 * signature of every request, answering 403 as API Gateway does when it does not match, and
 * `answer(request)` when it does. Records each request with its verdict.
 */
export async function startSigV4StandIn(options: {
  readonly region: string;
  readonly credentials: Credentials;
  readonly answer: (request: Received) => { status: number; body: unknown };
}) {
  const received: { request: Received; signatureValid: boolean }[] = [];
  let baseUrl = '';
  const server: Server = createServer(async (message, response) => {
    let body = '';
    for await (const chunk of message) body += chunk;
    const request: Received = {
      method: message.method ?? '',
      url: message.url ?? '',
      headers: message.headers,
      body,
    };
    const signatureValid =
      message.headers.authorization !== undefined &&
      message.headers.authorization === (await expectedAuthorization(request, baseUrl, options));
    received.push({ request, signatureValid });
    const { status, body: answer } = signatureValid
      ? options.answer(request)
      : { status: 403, body: { message: 'The request signature we calculated does not match' } };
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: baseUrl,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
