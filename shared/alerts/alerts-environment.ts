import { JobsError } from '../errors';
import { WORKER_ENVIRONMENT } from '../worker/worker-environment';

/** The alerts function's configuration, read from the environment the CDK stack sets. */
export interface AlertsEnvironment {
  readonly alertConfigTable: string;
  readonly appName: string;
  /** Absent when email alerts are not configured (`alertEmailSender`). */
  readonly emailSender?: string;
  readonly dashboardUrl?: string;
  readonly commandPrefix?: string;
}

/** Reads the environment, naming every missing variable at once. */
export function readAlertsEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AlertsEnvironment {
  const value = (name: string) => (env[name] ? env[name] : undefined);
  const alertConfigTable = value(WORKER_ENVIRONMENT.alertConfigTable);
  const appName = value(WORKER_ENVIRONMENT.appName);
  if (!alertConfigTable || !appName) {
    const missing = [
      ...(alertConfigTable ? [] : [WORKER_ENVIRONMENT.alertConfigTable]),
      ...(appName ? [] : [WORKER_ENVIRONMENT.appName]),
    ];
    throw new JobsError(
      `The alerts function's environment is incomplete: ${missing.map((name) => `${name} is not set`).join('; ')}. These are set by the CDK stack; redeploy it, or set them when running the handler elsewhere.`,
    );
  }
  const emailSender = value(WORKER_ENVIRONMENT.alertEmailSender);
  const dashboardUrl = value(WORKER_ENVIRONMENT.dashboardUrl);
  const commandPrefix = value(WORKER_ENVIRONMENT.alertCommandPrefix);
  return {
    alertConfigTable,
    appName,
    ...(emailSender ? { emailSender } : {}),
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(commandPrefix ? { commandPrefix } : {}),
  };
}
