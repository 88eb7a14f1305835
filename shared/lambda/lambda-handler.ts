import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { powertoolsLogger } from '../logging/powertools-logger';
import { metricsNamespace } from '../naming/resource-names';
import type { Logger } from '../ports/logger';

/** What a function logs and measures with: one per container, shared by every invocation. */
export interface LambdaObservability {
  /** The `Logger` port over `powertools`: every line carries the invocation's request id. */
  readonly logger: Logger;
  readonly powertools: PowertoolsLogger;
  /** Absent for a function that measures nothing of its own. */
  readonly metrics?: Metrics;
}

export interface LambdaObservabilityOptions {
  /** The `service` key of every log line and the `service` dimension of every metric. */
  readonly serviceName: string;
  /**
   * Gives the function metrics, in the app's `Jobs/<app>` namespace (beside its alarms'
   * metrics), each with these dimensions. @default - no metrics
   */
  readonly metrics?: {
    readonly appName: string;
    readonly dimensions: Readonly<Record<string, string>>;
  };
}

/** The logger, and the metrics if asked for, of one function: built once per container. */
export function lambdaObservability(
  options: LambdaObservabilityOptions & Required<Pick<LambdaObservabilityOptions, 'metrics'>>,
): LambdaObservability & { readonly metrics: Metrics };
export function lambdaObservability(options: LambdaObservabilityOptions): LambdaObservability;
export function lambdaObservability(options: LambdaObservabilityOptions): LambdaObservability {
  const { serviceName } = options;
  const powertools = new PowertoolsLogger({ serviceName });
  return {
    logger: powertoolsLogger(powertools),
    powertools,
    ...(options.metrics && {
      metrics: new Metrics({
        namespace: metricsNamespace(options.metrics.appName),
        serviceName,
        defaultDimensions: { ...options.metrics.dimensions },
      }),
    }),
  };
}

/**
 * `handler` as Lambda calls it: the logger takes each invocation's context (request id, cold
 * start, function name and version on every line), and the metrics the invocation added are
 * written as one EMF log line when it ends, with a cold start metric on the first.
 */
export function lambdaHandler<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  observability: LambdaObservability,
): MiddyfiedHandler<TEvent, TResult> {
  const edge = middy<TEvent, TResult>(handler).use(
    injectLambdaContext(observability.powertools, { resetKeys: true }),
  );
  const { metrics } = observability;
  return metrics ? edge.use(logMetrics(metrics, { captureColdStartMetric: true })) : edge;
}
