import type { ApiErrorBody } from '../shared/api/api-resources';
import { JobsError } from '../shared/errors';

/**
 * An error the CLI reports as `error: <message>` before exiting with `exitCode`; its message
 * says what is wrong and what to do about it.
 */
export class CliError extends JobsError {
  override name = 'CliError';

  constructor(
    message: string,
    /** @default 1 */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Arguments the command cannot use as given; exits with 2, as a usage error. */
export class CliUsageError extends CliError {
  override name = 'CliUsageError';

  constructor(message: string) {
    super(message, 2);
  }
}

/** The API answered with an error status: its `{ error, message, details? }`, or what it sent. */
export class ApiResponseError extends CliError {
  override name = 'ApiResponseError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
    /** The response as text, for a body that is not the API's error JSON (a proxy's page). */
    readonly text: string,
  ) {
    super(describeResponse(status, body, text));
  }

  get details(): readonly { readonly path: string; readonly message: string }[] {
    return this.body?.details ?? [];
  }
}

/** Nothing answered at the API's address: connection refused, unknown host, timeout. */
export class ApiUnreachableError extends CliError {
  override name = 'ApiUnreachableError';
}

function describeResponse(status: number, body: ApiErrorBody | undefined, text: string): string {
  if (body === undefined) {
    const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    return `The API answered ${status} without its error JSON${snippet ? `: ${snippet}` : ''}. Check that --url points at this app's API.`;
  }
  const lines = [body.message];
  // Field errors one per line, unless the message already lists them (input validation does).
  for (const detail of body.details ?? []) {
    const line = `${detail.path}: ${detail.message}`;
    if (!body.message.includes(line)) lines.push(`  ${line}`);
  }
  if (status === 403) {
    lines.push(
      'The API requires IAM (SigV4) auth: check that your credentials (AWS_PROFILE) may call execute-api:Invoke on it.',
    );
  }
  if (status >= 500)
    lines[0] = `The API failed (${status}${body.error ? ` ${body.error}` : ''}): ${body.message}`;
  return lines.join('\n');
}
