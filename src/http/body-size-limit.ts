import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { servesGraphQL } from './graphql-endpoint.ts';

export interface BodySizeLimitOptions {
  /** The largest body accepted, in bytes (`Content-Length`). */
  maxBytes: number;
}

/**
 * A POST that no earlier route answered. To the GraphQL endpoint (which yoga also serves at
 * `/graphql/` and at any URL ending in `/graphql`), it is refused before anything is read when
 * its body is larger than `maxBytes` (413, and the connection is closed), when its size is not
 * given (411) or when it is not a plain number (400). To any other URL it is 404 whatever its
 * framing, as yoga answers it; a body not known to be within `maxBytes` is not read then either
 * (the connection is closed after the answer).
 *
 * This is the gateway's only body limit: yoga's own (`maxRequestBodySize`) is turned off in
 * app.ts, because it pipes every body through a counting stream (4 % of the CPU time of a small
 * query). It is not needed once the length is known: node:http reads exactly `Content-Length`
 * bytes as the body (bytes after it are the next request on the connection), and refuses a
 * request that gives both a length and `Transfer-Encoding`.
 */
export function useBodySizeLimit({ maxBytes }: BodySizeLimitOptions): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (request.method !== 'POST') return;
      const header = request.headers.get('content-length');
      const valid = header !== null && /^\d{1,15}$/.test(header);
      if (!servesGraphQL(request.url, url)) {
        const bounded = valid && Number(header) <= maxBytes;
        endResponse(new fetchAPI.Response(null, { status: 404, headers: bounded ? {} : { connection: 'close' } }));
        if (!bounded) dropRequestAfterResponse(serverContext);
        return;
      }
      if (header !== null && !valid) {
        endResponse(
          new fetchAPI.Response(
            '{"errors":[{"message":"Content-Length is not valid","extensions":{"code":"INVALID_INPUT"}}]}',
            { status: 400, headers: { 'content-type': 'application/json', connection: 'close' } },
          ),
        );
        dropRequestAfterResponse(serverContext);
        return;
      }
      const length = header === null ? Number.NaN : Number(header);
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
