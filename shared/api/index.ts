// The REST API, for the API Lambda (functions/api.ts) and the local runtime's HTTP server.

export {
  type ApiGatewayHandler,
  apiGatewayHandler,
  apiRequestFromEvent,
} from './api-gateway-adapter';
export type { ApiHandler, ApiRequest, ApiResponse } from './api-request';
export type {
  ApiErrorBody,
  ApiErrorCode,
  JobDetails,
  JobSummary,
  RunDetails,
  RunsPage,
} from './api-resources';
export { type ApiDependencies, createApiHandler } from './create-api-handler';
