/**
 * Turns what @kubernetes/client-node and undici throw into short messages and an HTTP status.
 * Only the status code and the server's Status.message are used: request headers (and with them
 * the bearer token) never reach a message.
 */
import { ApiException } from '@kubernetes/client-node';
import { ClusterRequestError } from '../cluster-client.ts';

export interface DescribedError {
  status: number | undefined;
  message: string;
  /** True for a timeout of an idle watch: reconnect at once, it is not a failure. */
  idleTimeout: boolean;
}

export function describeKubeError(error: unknown): DescribedError {
  if (error instanceof ClusterRequestError) return { status: error.status, message: error.message, idleTimeout: false };
  if (error instanceof ApiException)
    return { status: error.code, message: statusMessage(error.code, serverMessage(error.body)), idleTimeout: false };
  if (isRecord(error) && typeof error.statusCode === 'number') {
    return { status: error.statusCode, message: statusMessage(error.statusCode, undefined), idleTimeout: false };
  }
  if (isRecord(error) && error.name === 'TimeoutError')
    return { status: undefined, message: 'timed out', idleTimeout: true };
  if (error instanceof Error) {
    const cause = isRecord(error.cause) ? error.cause : undefined;
    if (cause && (typeof cause.code === 'string' || typeof cause.message === 'string')) {
      return {
        status: undefined,
        message: `cannot reach the API server (${String(cause.code ?? cause.message)})`,
        idleTimeout: false,
      };
    }
    return { status: undefined, message: error.message || error.name, idleTimeout: false };
  }
  return { status: undefined, message: String(error), idleTimeout: false };
}

export function toClusterRequestError(operation: string, error: unknown): ClusterRequestError {
  if (error instanceof ClusterRequestError) return error;
  const described = describeKubeError(error);
  return new ClusterRequestError(operation, described.message, { status: described.status, cause: error });
}

function statusMessage(code: number, message: string | undefined): string {
  const detail = message ? `: ${message}` : '';
  switch (code) {
    case 401:
      return `the API server rejected the credentials (401 Unauthorized)${detail}`;
    case 403:
      return `forbidden (403): the gateway's identity needs get, list and watch on this resource${detail}`;
    case 404:
      return `not found (404): the server does not serve this resource${detail}`;
    case 410:
      return `gone (410): the resourceVersion or continue token expired${detail}`;
    default:
      return `HTTP ${code}${detail}`;
  }
}

/** The `message` of a Kubernetes Status body, when the body is one. */
function serverMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return isRecord(parsed) && parsed.kind === 'Status' && typeof parsed.message === 'string'
    ? parsed.message.slice(0, 300)
    : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
