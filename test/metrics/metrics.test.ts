/**
 * GET /metrics scraped over real HTTP while the gateway syncs a fabric with a real remote (a
 * file:// bare repository for the git adapter, the GitHub test server for the GitHub adapter).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationNames } from '../../src/metrics/graphql-metrics.ts';
import { gitSubcommand } from '../../src/metrics/metrics.ts';
import { pushFromAnotherClone, removeScratchDirs } from '../support/git-fixtures.ts';
import { tAdapters, type GatewayWithRemote } from '../support/remote-gateway.ts';
import { HEDGEHOG_CRDS, vpc } from '../support/kube-server/hedgehog.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { connectFabric, until } from '../cluster/support-live.ts';
import { fileOf, operation, sync, vlanNamespace } from '../sync/support.ts';

afterAll(removeScratchDirs);

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** Prometheus text as `name{labels}` -> value (labels as written by prom-client, in its order). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const sum = (samples: Map<string, number>, prefix: string, ...parts: string[]) =>
  [...samples]
    .filter(([key]) => key.startsWith(prefix) && parts.every((part) => key.includes(part)))
    .reduce((total, [, value]) => total + value, 0);

describe.each(tAdapters)('metrics on the $name adapter', (adapter) => {
  let env: GatewayWithRemote;
  const scrape = async (authorization?: string) => {
    const response = await fetch(
      `${env.t.url}/metrics`,
      authorization === undefined ? {} : { headers: { authorization } },
    );
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  beforeEach(async () => {
    env = await adapter.start({ env: { METRICS_TOKEN } });
  });
  afterEach(() => env.stop());

  it('counts a sync with its duration, the git requests it made and the GraphQL operation by name', async () => {
    const before = parseMetrics((await scrape(`Bearer ${METRICS_TOKEN}`)).text);
    expect(sum(before, 'gateway_operations_total')).toBe(0);

    await pushFromAnotherClone(env.remote, {
      files: { ...fileOf(vlanNamespace('ns-a')), ...fileOf(vlanNamespace('ns-b')) },
      message: 'seed',
    });
    // GitHub answers one request with a 502 and one with a 429 to wait out (both retried).
    env.github?.faults.failNext(1, { status: 502 });
    env.github?.faults.rateLimitNext({ retryAfterSeconds: 1, status: 429 });
    const pulled = await sync(env.t, env.fabricId, 'PULL');
    expect(pulled).toMatchObject({ status: 'COMPLETED', filesCreated: 2 });
    await env.t.graphqlOk(`query MetricsProbe($id: ID!) { syncOperation(id: $id) { id status } }`, { id: pulled.id });

    const response = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = parseMetrics(response.text);
    expect(after.get('gateway_operations_total{type="pull",status="completed"}')).toBe(1);
    expect(after.get('gateway_operation_duration_seconds_count{type="pull",status="completed"}')).toBe(1);
    expect(after.get('gateway_operation_duration_seconds_sum{type="pull",status="completed"}')).toBeGreaterThan(0);
    // The GraphQL operation sent with a name is labelled with it (anonymous ones as `anonymous`).
    expect(
      after.get('gateway_graphql_request_duration_seconds_count{operation_name="MetricsProbe",operation_type="query"}'),
    ).toBe(1);
    expect(
      sum(
        after,
        'gateway_graphql_request_duration_seconds_count',
        'operation_name="anonymous"',
        'operation_type="mutation"',
      ),
    ).toBeGreaterThanOrEqual(1);
    // The pull talked to the remote: git commands, or GitHub API requests.
    if (adapter.name === 'git') {
      expect(sum(after, 'gateway_git_commands_total', 'command="fetch"')).toBeGreaterThanOrEqual(1);
      expect(sum(after, 'gateway_git_command_duration_seconds_count')).toBe(sum(after, 'gateway_git_commands_total'));
    } else {
      expect(sum(after, 'gateway_github_requests_total', 'api="graphql"')).toBeGreaterThanOrEqual(1);
      expect(sum(after, 'gateway_github_request_errors_total', 'reason="502"')).toBe(1);
      expect(sum(after, 'gateway_github_request_errors_total', 'reason="429"')).toBe(1);
      expect(after.get('gateway_github_rate_limit_waits_total')).toBe(1);
      expect(after.get('gateway_github_rate_limit_wait_seconds_total')).toBeGreaterThan(0);
    }
    // Operation progress went out on the event bus.
    expect(after.get('gateway_events_published_total{topic="sync-operation"}')).toBeGreaterThan(0);
    // Nothing is waiting or running once the runner is idle: the queue gauge has no series.
    expect(sum(after, 'gateway_operation_queue_depth')).toBe(0);
    // No secret appears in a scrape.
    expect(response.text).not.toContain(METRICS_TOKEN);
    expect(response.text).not.toContain(env.t.adminToken);
    if (env.github) expect(response.text).not.toContain(env.github.token);
  });

  it('shows an operation running in the queue of its fabric, then counts it failed', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    env.t.app.operationHandlers.pull = async () => {
      started();
      await released;
      throw new Error('staged failure');
    };
    const launched = await env.t.graphqlOk<{ syncFabric: { id: string } }>(
      `mutation Launch($id: ID!) { syncFabric(fabricId: $id, direction: PULL) { id } }`,
      { id: env.fabricId },
    );
    await running;
    const during = parseMetrics((await scrape(`Bearer ${METRICS_TOKEN}`)).text);
    expect(during.get(`gateway_operation_queue_depth{fabric="${env.fabricId}",status="in_progress"}`)).toBe(1);
    release();
    await env.t.app.runner.idle();
    expect((await operation(env.t, launched.syncFabric.id)).status).toBe('FAILED');
    const after = parseMetrics((await scrape(`Bearer ${METRICS_TOKEN}`)).text);
    expect(sum(after, 'gateway_operation_queue_depth')).toBe(0);
    expect(after.get('gateway_operations_total{type="pull",status="failed"}')).toBe(1);
    expect(
      after.get('gateway_graphql_request_duration_seconds_count{operation_name="Launch",operation_type="mutation"}'),
    ).toBe(1);
  });

  it('answers a viewer token and METRICS_TOKEN; 401 without a token or with a wrong one; 403 for a fabric-limited token', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape('Bearer hgw_not-a-real-token')).status).toBe(401);
    expect((await scrape(METRICS_TOKEN)).status).toBe(401);
    const limited = await env.t.createToken({ role: 'admin', fabricIds: [env.fabricId] });
    expect((await scrape(`Bearer ${limited}`)).status).toBe(403);
    const viewer = await env.t.createToken({ role: 'viewer' });
    const scraped = await scrape(`Bearer ${viewer}`);
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('# TYPE gateway_operations_total counter');
    // METRICS_TOKEN opens /metrics only, not the API.
    const refused = await env.t.graphql('{ fabrics { totalCount } }', {}, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

/** One app for the cluster rows below (a file-scoped fixture is declared at the top level). */
const withMetricsToken = appTestWith({ env: { METRICS_TOKEN } });

describe('metrics of a fabric with a cluster', () => {
  const KUBE_TOKEN = 'kube-token-metrics-do-not-leak';
  const it = withMetricsToken;
  let kube: KubeServer;
  it.beforeAll(async () => {
    kube = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: KUBE_TOKEN });
  });
  it.afterAll(async () => {
    await kube?.close();
  });
  const scrape = async (t: TestApp) => {
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(response.status).toBe(200);
    return response.text();
  };

  it('shows the watch state and relists per kind, drift per fabric and live connections', async ({ t }) => {
    kube.create(vpc('vpc-1', 1001));
    kube.create(vpc('vpc-2', 1002));
    const fabricId = (await connectFabric(t, kube, KUBE_TOKEN)).id;
    // The two live-only VPCs are rolled up on the fabric row.
    await until(
      t,
      fabricId,
      async () => {
        const data = await t.graphqlOk<{ fabric: { driftCounts: Record<string, number> } }>(
          `query($id: ID!) { fabric(id: $id) { driftCounts { liveOnly } } }`,
          { id: fabricId },
        );
        return data.fabric.driftCounts.liveOnly === 2;
      },
      'drift rolled up',
    );
    const samples = parseMetrics(await scrape(t));
    expect(samples.get(`gateway_fabric_drift_objects{fabric="${fabricId}",status="live_only"}`)).toBe(2);
    expect(samples.get(`gateway_cluster_watch_state{fabric="${fabricId}",kind="*",state="watching"}`)).toBe(1);
    expect(samples.get(`gateway_cluster_relists_total{fabric="${fabricId}",kind="VPC"}`)).toBe(1);
    expect(samples.get(`gateway_cluster_watch_state{fabric="${fabricId}",kind="VPC",state="watching"}`)).toBe(1);
    expect(samples.get('gateway_live_connections')).toBe(0);

    // A WebSocket connection counts while it is open (the socket, and the subscription stream it carries).
    let connected!: () => void;
    const open = new Promise<void>((resolve) => (connected = resolve));
    const client = t.wsClient({ on: { connected: () => connected() } });
    const events = client.iterate({
      query: `subscription($id: ID!) { fabricEvents(fabricId: $id) { __typename } }`,
      variables: { id: fabricId },
    });
    events.next().catch(() => {});
    await open;
    expect(parseMetrics(await scrape(t)).get('gateway_live_connections')).toBeGreaterThanOrEqual(1);
    await events.return?.();
    await client.dispose();
    expect(await scrape(t)).not.toContain(KUBE_TOKEN);
  });
});

describe('metric label bounds', () => {
  it('keeps at most maxNames operation names; later ones are `other`, unnamed ones `anonymous`', () => {
    const names = new OperationNames(2);
    expect([names.label('A'), names.label('B'), names.label('C'), names.label('A'), names.label(undefined)]).toEqual([
      'A',
      'B',
      'other',
      'A',
      'anonymous',
    ]);
    expect(new OperationNames(5).label('x'.repeat(65))).toBe('other');
  });

  it('names a git command by its subcommand, past --git-dir and -c', () => {
    expect(gitSubcommand(['--git-dir', '/cache/repo.git', 'fetch', '--', 'https://example.test/r.git'])).toBe('fetch');
    expect(gitSubcommand(['-c', 'core.askPass=/bin/false', 'ls-remote', '--', 'url'])).toBe('ls-remote');
    expect(gitSubcommand(['--git-dir', '/x', '/not/a/command'])).toBe('other');
  });
});
