/**
 * GET /metrics: the Prometheus scrape. Answered to `Authorization: Bearer <token>` with either
 * METRICS_TOKEN (which opens nothing else) or an API token of any role that is not limited to
 * some fabrics (the metrics name every fabric). 401 without a token or with one that does not
 * work; 403 for a fabric-limited token.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

export function createMetricsRoute(options: MetricsRouteOptions) {
  const metricsDigest = options.metricsToken ? digest(options.metricsToken) : null;
  const refuse = (res: ServerResponse, status: 401 | 403 | 405, message: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) }).end(`${message}\n`);
  };
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
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET');
    const token = bearerToken(req.headers.authorization);
    if (!token) return refuse(res, 401, 'Send Authorization: Bearer <token> (METRICS_TOKEN or an API token)');
    const verdict = await allowed(token);
    if (verdict === 'unauthenticated') return refuse(res, 401, 'The token is not valid');
    if (verdict === 'forbidden') return refuse(res, 403, 'A token limited to some fabrics may not read the metrics of every fabric');
    try {
      const body = await options.metrics.scrape();
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'collecting metrics failed');
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics could not be collected\n');
    }
  };
}
