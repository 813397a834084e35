/**
 * GET /metrics: the Prometheus scrape. Answered to `Authorization: Bearer <token>` with either
 * METRICS_TOKEN (which opens nothing else) or an API token of any role that is not limited to
 * some fabrics (the metrics name every fabric). 401 without a token or with one that does not
 * work; 403 for a fabric-limited token.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { bearerToken, type Actor } from '../auth/tokens.ts';
import { METRICS_CONTENT_TYPE, type GatewayMetrics } from '../metrics/metrics.ts';
import type { Logger } from '../logger.ts';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  metrics: GatewayMetrics;
  /** METRICS_TOKEN, if set. */
  metricsToken: string | null;
  /** The API token's actor; throws when the token does not work. */
  authenticate: (token: string) => Promise<Actor>;
  logger: Logger;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `GET /metrics` as a yoga plugin (one of the routes in routes.ts). */
export function useMetricsRoute(options: MetricsRouteOptions): Plugin {
  const metricsDigest = options.metricsToken ? digest(options.metricsToken) : null;
  const allowed = async (token: string): Promise<'ok' | 'unauthenticated' | 'forbidden'> => {
    // Compared as digests: equal lengths, and no early exit on the first differing character.
    if (metricsDigest && timingSafeEqual(digest(token), metricsDigest)) return 'ok';
    let actor: Actor;
    try {
      actor = await options.authenticate(token);
    } catch {
      return 'unauthenticated';
    }
    return actor.fabricIds ? 'forbidden' : 'ok';
  };
  const answer = async (request: Request, fetchAPI: { Response: typeof Response }): Promise<Response> => {
    const text = (status: number, message: string, headers: Record<string, string> = {}) =>
      new fetchAPI.Response(`${message}\n`, {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      });
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Only GET');
    const token = bearerToken(request.headers.get('authorization') ?? undefined);
    if (!token)
      return text(401, 'Send Authorization: Bearer <token> (METRICS_TOKEN or an API token)', {
        'www-authenticate': 'Bearer',
      });
    const verdict = await allowed(token);
    if (verdict === 'unauthenticated') return text(401, 'The token is not valid', { 'www-authenticate': 'Bearer' });
    if (verdict === 'forbidden')
      return text(403, 'A token limited to some fabrics may not read the metrics of every fabric');
    try {
      const body = await options.metrics.scrape();
      return new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' },
      });
    } catch (error) {
      options.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'collecting metrics failed',
      );
      return text(503, 'Metrics could not be collected');
    }
  };
  return {
    // Not async: every other request passes here, and a promise to wait for costs each of them.
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) return;
      return answer(request, fetchAPI).then(endResponse);
    },
  };
}
