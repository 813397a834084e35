/**
 * The HTTP routes besides GraphQL, each a yoga plugin whose `onRequest` answers its path with
 * `endResponse` (the GraphQL endpoint, GraphiQL and SSE are yoga's own). They run before every
 * other plugin of ours, authentication included, and can be called without a port through
 * `yoga.fetch`. A new route is one more plugin in the list below.
 *
 * `GET /healthz` (200 while the process is up) is yoga's own health check, which yoga installs
 * ahead of every plugin when given `healthCheckEndpoint: HEALTH_ENDPOINT` (graphql-yoga does not
 * export `useHealthCheck` itself).
 */
import type { Plugin } from 'graphql-yoga';
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrationsAreCurrent } from '../db/orm.ts';
import { useBodySizeLimit } from './body-size-limit.ts';
import { useGitHubWebhook, type WebhookDependencies } from './github-webhook.ts';
import { useMetricsRoute, type MetricsRouteOptions } from './metrics-route.ts';

export const HEALTH_ENDPOINT = '/healthz';
export const READINESS_ENDPOINT = '/readyz';

export type Readiness = () => Promise<{ ready: boolean; reason?: string }>;

export interface HttpRoutesOptions {
  /** What `/readyz` answers (see databaseReadiness). */
  readiness: Readiness;
  /** The largest POST body (GraphQL's), in bytes. */
  maxBodyBytes: number;
  /** What `POST /webhooks/github` uses. */
  githubWebhook: WebhookDependencies;
  /** What `GET /metrics` serves, and to whom (see metrics-route.ts). */
  metrics: MetricsRouteOptions;
}

export function httpRoutes(options: HttpRoutesOptions): Plugin[] {
  return [
    useReadiness(options.readiness),
    useGitHubWebhook(options.githubWebhook),
    useMetricsRoute(options.metrics),
    // Last: every POST the routes above did not answer.
    useBodySizeLimit({ maxBytes: options.maxBodyBytes }),
  ];
}

/**
 * `GET /readyz`: 200 `{"status":"ready"}`, or 503 `{"status":"not_ready","reason":…}`. Not yoga's
 * `useReadinessCheck`: it also answered any URL ending in `/readyz`, and tested every request's
 * URL against a `URLPattern` to find out (1.5 % of the CPU time of a small query).
 */
function useReadiness(readiness: Readiness): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== READINESS_ENDPOINT) return;
      return readiness().then((result) =>
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ status: result.ready ? 'ready' : 'not_ready', reason: result.reason }),
            { status: result.ready ? 200 : 503, headers: { 'content-type': 'application/json' } },
          ),
        ),
      );
    },
  };
}

/** Ready when the database answers and every migration is applied. */
export function databaseReadiness(orm: MikroORM): Readiness {
  return async () => {
    try {
      await orm.em.getConnection().execute('select 1');
      if (!(await migrationsAreCurrent(orm))) return { ready: false, reason: 'migrations pending' };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
    }
  };
}
