/**
 * What the scrape-time gauges read, built from the composition root's parts: two grouped
 * queries (operations waiting or running per fabric; each fabric's stored drift roll-up), the
 * cluster watchers' status and the count of open live connections.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { MetricSources } from './metrics.ts';

export interface MetricSourceParts {
  orm: MikroORM;
  watchStatus: (fabricId: string) => { state: string; kinds: { kind: string; state: string; eventCount: number }[] };
  liveConnections: () => number;
}

export function metricSources(parts: MetricSourceParts): MetricSources {
  const execute = <T>(sql: string) => parts.orm.em.fork().getConnection().execute<T[]>(sql);
  return {
    async queueDepth() {
      const rows = await execute<{ fabric_id: string; status: string; n: string | number }>(
        `select fabric_id, status, count(*) as n from sync_operation where status in ('pending', 'in_progress') group by fabric_id, status`,
      );
      return rows.map((row) => ({ fabricId: row.fabric_id, status: row.status, count: Number(row.n) }));
    },
    async driftCounts() {
      const rows = await execute<{ id: string; drift_counts: Record<string, number> | string | null }>(
        `select id, drift_counts from fabric`,
      );
      return rows.map((row) => ({
        fabricId: row.id,
        counts: (typeof row.drift_counts === 'string'
          ? JSON.parse(row.drift_counts)
          : (row.drift_counts ?? {})) as Record<string, number>,
      }));
    },
    async watchStatuses() {
      const rows = await execute<{ id: string }>(`select id from fabric where kubernetes_server is not null`);
      return rows.map((row) => ({ fabricId: row.id, ...parts.watchStatus(row.id) }));
    },
    liveConnections: parts.liveConnections,
  };
}
