/**
 * The gateway's Prometheus metrics: one registry per app, built by the composition root and
 * handed to what records (hooks and ports, never an imported global), so tests build their own.
 * Every label value is bounded: operation types and statuses are enums, fabric ids are the
 * fabrics that exist, kinds are the watched kinds, GitHub request names and git commands come
 * from our own code (checked against a pattern), GraphQL operation names are capped (see
 * `graphql-metrics.ts`). No secret is ever a label. docs/metrics.md lists every metric.
 */
import { readdirSync, statSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** What the metrics read when scraped (the composition root builds them from its parts). */
export interface MetricSources {
  /** Pending and in-progress operations per fabric. */
  queueDepth(): Promise<{ fabricId: string; status: string; count: number }[]>;
  /** Each fabric's stored drift roll-up, by drift status. */
  driftCounts(): Promise<{ fabricId: string; counts: Record<string, number> }[]>;
  /** The watch of each fabric with a cluster: its state and the state of each watched kind. */
  watchStatuses(): Promise<
    { fabricId: string; state: string; kinds: { kind: string; state: string; eventCount: number }[] }[]
  >;
  /** Open WebSocket sockets and subscription streams (SSE or WebSocket) held by a token. */
  liveConnections(): number;
}

const OPERATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const FAN_OUT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Commit to applied / converged: seconds for an engine that syncs on a webhook, up to an hour. */
const CHANGE_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** git subcommands are our own (`fetch`, `push`, `cat-file`…); anything else is named `other`. */
const GIT_COMMAND = /^[a-z][a-z-]{0,30}$/;
/** GitHub request names are our own (`ReadBlobs`, `rest:getTree`…). */
const GITHUB_OPERATION = /^[A-Za-z][A-Za-z:]{0,40}$/;

export class GatewayMetrics {
  readonly registry = new Registry();
  #sources: MetricSources | undefined;

  readonly operations = new Counter({
    name: 'gateway_operations_total',
    help: 'Sync operations that ended, by type and final status.',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'gateway_operation_duration_seconds',
    help: 'Time from an operation being claimed to its end being recorded, by type and final status.',
    labelNames: ['type', 'status'] as const,
    buckets: OPERATION_BUCKETS,
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: 'gateway_github_requests_total',
    help: "HTTP requests to GitHub's API (retries included), by API and request name.",
    labelNames: ['api', 'request'] as const,
    registers: [this.registry],
  });
  readonly githubErrors = new Counter({
    name: 'gateway_github_request_errors_total',
    help: 'GitHub requests that failed (each failed try), by API and reason: an HTTP status, `graphql` or `network`.',
    labelNames: ['api', 'reason'] as const,
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: 'gateway_github_rate_limit_waits_total',
    help: "Waits for GitHub's rate limit: pacing before a request, or a 403/429 answer waited out.",
    registers: [this.registry],
  });
  readonly rateLimitWaitSeconds = new Counter({
    name: 'gateway_github_rate_limit_wait_seconds_total',
    help: "Seconds spent waiting for GitHub's rate limit.",
    registers: [this.registry],
  });
  readonly gitCommands = new Counter({
    name: 'gateway_git_commands_total',
    help: 'git commands run by the git CLI adapter, by subcommand.',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly gitErrors = new Counter({
    name: 'gateway_git_command_errors_total',
    help: 'git commands that exited with a non-zero status, by subcommand.',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly gitDuration = new Histogram({
    name: 'gateway_git_command_duration_seconds',
    help: 'Time git commands took, by subcommand.',
    labelNames: ['command'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  readonly relists = new Counter({
    name: 'gateway_cluster_relists_total',
    help: "Full lists of a kind received from a fabric's cluster (the first one and every relist after a watch expired).",
    labelNames: ['fabric', 'kind'] as const,
    registers: [this.registry],
  });
  readonly eventsPublished = new Counter({
    name: 'gateway_events_published_total',
    help: 'Live events published on the event bus, by topic family (`sync-operation`, `fabric`, `api-tokens`).',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly subscriptionFanOut = new Histogram({
    name: 'gateway_subscription_fanout_seconds',
    help: 'Time from a shared subscription result to its hand-over to the last subscriber (the socket write for WebSocket ones).',
    buckets: FAN_OUT_BUCKETS,
    registers: [this.registry],
  });
  readonly changeApplied = new Histogram({
    name: 'gateway_change_applied_seconds',
    help: "Time from a change landing on the fabric's branch to every object it touched being live as committed, by fabric.",
    labelNames: ['fabric'] as const,
    buckets: CHANGE_BUCKETS,
    registers: [this.registry],
  });
  readonly changeConverged = new Histogram({
    name: 'gateway_change_converged_seconds',
    help: "Time from a change landing on the fabric's branch to every switch it affects reporting it applied, by fabric.",
    labelNames: ['fabric'] as const,
    buckets: CHANGE_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'Time from parsing a GraphQL operation to its result, by operation name and type (subscriptions: until the stream is set up).',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Process metrics (CPU, memory, event loop lag), prefixed like ours.
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
      // prom-client lists /proc/self/fd on every scrape: with 5,000 sockets open, a tenth of
      // the gateway's time in a fan-out round. Same metric, counted with one stat.
      replaceDefaultGauge(this.registry, OPEN_FDS, (gauge) => {
        const count = openFileDescriptors();
        if (count !== null) gauge.set(count);
      });
      replaceActiveResourceGauges(this.registry);
    }
    const sources = () => this.#sources;
    new Gauge({
      name: 'gateway_operation_queue_depth',
      help: 'Operations waiting (pending) or running (in_progress), by fabric.',
      labelNames: ['fabric', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of (await sources()?.queueDepth()) ?? [])
          this.set({ fabric: row.fabricId, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: 'gateway_fabric_drift_objects',
      help: 'Objects of a fabric by drift status (in_sync, spec_drift, desired_only, live_only, unknown), as the cluster watchers last rolled it up.',
      labelNames: ['fabric', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of (await sources()?.driftCounts()) ?? [])
          for (const [status, count] of Object.entries(row.counts)) this.set({ fabric: row.fabricId, status }, count);
      },
    });
    new Gauge({
      name: 'gateway_cluster_watch_state',
      help: "State of each fabric's cluster watch (1 for the current state; kind `*` is the fabric's watch as a whole).",
      labelNames: ['fabric', 'kind', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const fabric of (await sources()?.watchStatuses()) ?? []) {
          this.set({ fabric: fabric.fabricId, kind: '*', state: fabric.state }, 1);
          for (const kind of fabric.kinds) this.set({ fabric: fabric.fabricId, kind: kind.kind, state: kind.state }, 1);
        }
      },
    });
    new Gauge({
      name: 'gateway_cluster_watch_events',
      help: "Watch events received per kind since the fabric's watch started.",
      labelNames: ['fabric', 'kind'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const fabric of (await sources()?.watchStatuses()) ?? []) {
          for (const kind of fabric.kinds) this.set({ fabric: fabric.fabricId, kind: kind.kind }, kind.eventCount);
        }
      },
    });
    new Gauge({
      name: 'gateway_live_connections',
      help: 'Open WebSocket connections and subscription streams (SSE or WebSocket) held by a token.',
      registers: [this.registry],
      collect() {
        this.set(sources()?.liveConnections() ?? 0);
      },
    });
  }

  /** What the scrape-time gauges read; set once the parts they read exist. */
  observe(sources: MetricSources): void {
    this.#sources = sources;
  }

  /** The text a Prometheus scrape receives. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Hook for the operation engine: an operation ended with `status` after `seconds`. */
  operationEnded(type: string, status: string, seconds: number): void {
    this.operations.inc({ type, status });
    this.operationDuration.observe({ type, status }, seconds);
  }

  /** Hooks for the GitHub transport (see GitHubTransportOptions). */
  readonly github = {
    onRequest: (event: { operation: string; kind: 'graphql' | 'rest' }) => {
      this.githubRequests.inc({
        api: event.kind,
        request: GITHUB_OPERATION.test(event.operation) ? event.operation : 'other',
      });
    },
    onRequestFailed: (event: { kind: 'graphql' | 'rest'; reason: string }) => {
      this.githubErrors.inc({
        api: event.kind,
        reason: /^(\d{3}|graphql|network)$/.test(event.reason) ? event.reason : 'other',
      });
    },
    onRateLimitWait: (ms: number) => {
      this.rateLimitWaits.inc();
      this.rateLimitWaitSeconds.inc(Math.max(0, ms) / 1000);
    },
  };

  /** Hook for the git CLI adapter: one command ran (`args` as given to git). */
  readonly gitCommand = (event: { args: readonly string[]; exitCode: number; durationMs: number }) => {
    const command = gitSubcommand(event.args);
    this.gitCommands.inc({ command });
    if (event.exitCode !== 0) this.gitErrors.inc({ command });
    this.gitDuration.observe({ command }, event.durationMs / 1000);
  };

  /** Hook for the cluster watchers: a full list of `kind` arrived for `fabricId`. */
  readonly relisted = (fabricId: string, kind: string) => {
    this.relists.inc({ fabric: fabricId, kind });
  };

  /** Hook for the change tracker: a change of `fabricId` applied or converged `seconds` after it landed. */
  readonly changeReached = (fabricId: string, milestone: 'applied' | 'converged', seconds: number) => {
    (milestone === 'applied' ? this.changeApplied : this.changeConverged).observe(
      { fabric: fabricId },
      Math.max(0, seconds),
    );
  };

  /** Hook for the event bus: one event was published on `topic`. */
  readonly published = (topic: string) => {
    const family = topic.split(':', 1)[0] ?? '';
    this.eventsPublished.inc({ topic: /^[a-z-]{1,30}$/.test(family) ? family : 'other' });
  };
}

/**
 * prom-client's `nodejs_active_handles` (by type, and its `_total`) asks Node for the handles'
 * objects, twice a scrape (2.9 ms each with 5,000 sockets open), and `nodejs_active_resources`
 * (by type, and `_total`) for their names, twice more. The same four gauges, with the same names
 * and help, from one `process.getActiveResourcesInfo()` a scrape (0.4 ms): its handles are the
 * same handles (the referenced ones), typed by their native class (`TCPSocketWrap`, not the
 * `Socket` that owns it), which is what the help always said.
 */
function replaceActiveResourceGauges(registry: Registry): void {
  const gauges: [string, (active: ActiveResources, gauge: Gauge) => void][] = [
    [`${PREFIX}nodejs_active_handles`, (active, gauge) => setByType(gauge, active.handles)],
    [`${PREFIX}nodejs_active_handles_total`, (active, gauge) => gauge.set(active.handleCount)],
    [`${PREFIX}nodejs_active_resources`, (active, gauge) => setByType(gauge, active.resources)],
    [`${PREFIX}nodejs_active_resources_total`, (active, gauge) => gauge.set(active.resourceCount)],
  ];
  for (const [name, set] of gauges) replaceDefaultGauge(registry, name, (gauge) => set(activeResources(), gauge));
}

/**
 * One of prom-client's default gauges, when registered, replaced by a gauge of the same name, help
 * and labels whose value `collect` sets at each scrape.
 */
function replaceDefaultGauge(registry: Registry, name: string, collect: (gauge: Gauge) => void): void {
  const replaced = registry.getSingleMetric(name) as (Gauge & { help: string; labelNames: string[] }) | undefined;
  if (!replaced) return;
  registry.removeSingleMetric(name);
  new Gauge({
    name,
    help: replaced.help,
    labelNames: replaced.labelNames,
    registers: [registry],
    collect() {
      collect(this);
    },
  });
}

/** The prefix of the gateway's metrics, prom-client's default ones included. */
const PREFIX = 'gateway_';

function setByType(gauge: Gauge, counts: ReadonlyMap<string, number>): void {
  gauge.reset();
  for (const [type, count] of counts) gauge.set({ type }, count);
}

export interface ActiveResources {
  /** Active resources (requests, handles, timers) by type, as `process.getActiveResourcesInfo()` names them. */
  resources: ReadonlyMap<string, number>;
  resourceCount: number;
  /** The handles among them (what `process._getActiveHandles()` lists), by native type. */
  handles: ReadonlyMap<string, number>;
  handleCount: number;
}

let activeNow: ActiveResources | null = null;

/**
 * The process's active resources, read once for the gauges of one scrape (they collect one after
 * the other in the same turn; the next microtask forgets the reading).
 */
export function activeResources(): ActiveResources {
  if (activeNow) return activeNow;
  const names = process.getActiveResourcesInfo();
  // Node lists the requests first, then the handles, then one `Timeout` or `Immediate` per timer.
  const requests = (process as unknown as { _getActiveRequests(): unknown[] })._getActiveRequests().length;
  let handlesEnd = names.length;
  while (handlesEnd > requests && (names[handlesEnd - 1] === 'Timeout' || names[handlesEnd - 1] === 'Immediate'))
    handlesEnd -= 1;
  const resources = new Map<string, number>();
  const handles = new Map<string, number>();
  for (let index = 0; index < names.length; index += 1) {
    const type = names[index]!;
    resources.set(type, (resources.get(type) ?? 0) + 1);
    if (index >= requests && index < handlesEnd) handles.set(type, (handles.get(type) ?? 0) + 1);
  }
  activeNow = {
    resources,
    resourceCount: names.length,
    handles,
    handleCount: Math.max(0, handlesEnd - requests),
  };
  queueMicrotask(() => {
    activeNow = null;
  });
  return activeNow;
}

const OPEN_FDS = `${PREFIX}process_open_fds`;
/** How long a listing of /proc/self/fd stands for the count, where a stat does not give it. */
const FD_LISTING_SECONDS = 10;
let fdListing: { at: number; count: number } | null = null;

/**
 * The process's open file descriptors. Linux (6.2 and later) gives the count as the size of
 * /proc/self/fd: one stat, whatever the count. An older kernel gives 0 there: then the directory
 * is listed (one entry per descriptor), at most once every FD_LISTING_SECONDS. Null when
 * /proc cannot be read (not Linux).
 */
export function openFileDescriptors(now = performance.now()): number | null {
  try {
    const size = statSync('/proc/self/fd').size;
    if (size > 0) return size;
    if (!fdListing || now - fdListing.at >= FD_LISTING_SECONDS * 1000)
      // Less the descriptor the listing itself had open.
      fdListing = { at: now, count: readdirSync('/proc/self/fd').length - 1 };
    return fdListing.count;
  } catch {
    return null;
  }
}

/** The subcommand of a git argv: past `--git-dir <dir>`, `-c <setting>` and other options. */
export function gitSubcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--git-dir' || arg === '-c' || arg === '-C') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return GIT_COMMAND.test(arg) ? arg : 'other';
  }
  return 'other';
}
