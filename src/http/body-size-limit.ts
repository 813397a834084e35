import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';

export interface BodySizeLimitOptions {
  /** The path whose POST bodies are limited. */
  endpoint: string;
  /** The largest body accepted, in bytes (`Content-Length`). */
  maxBytes: number;
}

/**
 * A POST to `endpoint` is refused before anything is read when its body is larger than `maxBytes`
 * (413, and the connection is closed) or when its size is not given (411).
 */
export function useBodySizeLimit({ endpoint, maxBytes }: BodySizeLimitOptions): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const length = Number(request.headers.get('content-length') ?? Number.NaN);
      if (Number.isNaN(length)) {
        endResponse(
          new fetchAPI.Response(
            '{"errors":[{"message":"Content-Length is required","extensions":{"code":"INVALID_INPUT"}}]}',
            {
              status: 411,
              headers: { 'content-type': 'application/json' },
            },
          ),
        );
        return;
      }
      if (length > maxBytes) {
        endResponse(
          new fetchAPI.Response(
            `{"errors":[{"message":"The request body is larger than ${maxBytes} bytes","extensions":{"code":"INVALID_INPUT"}}]}`,
            {
              status: 413,
              headers: { 'content-type': 'application/json', connection: 'close' },
            },
          ),
        );
        dropRequestAfterResponse(serverContext);
      }
    },
  };
}

/**
 * Served by node:http, the rest of a refused body is not read: the request is destroyed once the
 * answer is sent. (Through `yoga.fetch` there is no connection to close.)
 */
export function dropRequestAfterResponse(serverContext: unknown): void {
  const { req, res } = (serverContext ?? {}) as { req?: IncomingMessage; res?: ServerResponse };
  res?.once('finish', () => req?.destroy());
}
