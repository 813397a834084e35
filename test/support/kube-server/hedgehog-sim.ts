/**
 * Hedgehog's part on the test Kubernetes API server (kube-server.ts), for change tracking tests:
 *
 * - `GitopsEngineSim`: a GitOps engine that applies a commit's objects of the fabric directory
 *   (create, update, delete to match), and optionally reports it as an Argo CD Application or a
 *   Flux Kustomization would (`status.sync.revision`; `status.lastAppliedRevision`).
 * - `FabricControllerSim`: when a Hedgehog object changes, bumps the Agent spec (so
 *   `metadata.generation`) of the switches it affects. Its rules are its own, simpler than
 *   Hedgehog's and independent of src/hedgehog/impact.ts (a test must not grade the impact
 *   function with itself): a Switch itself; a Connection's switches (every `port: "<device>/<port>"`
 *   of its spec that names a Switch); a VPCAttachment's connection's switches; a VPC's
 *   attachments' switches; a VPCPeering's VPCs' switches.
 * - `AgentSim`: one switch's agent: applies on demand (`apply()`), after a delay, or never, and
 *   can stop its heartbeat. Applying sets `status.lastAppliedGen = metadata.generation`,
 *   `lastAttemptGen`, `lastAppliedTime` and `lastHeartbeat`.
 *
 * Everything happens in explicit steps a test awaits; the only timer is the "after N ms" agent.
 */
import { parseAllDocuments } from 'yaml';
import { listFiles, readFileAt } from '../git-fixtures.ts';
import { HEDGEHOG_CRDS } from './hedgehog.ts';
import type { KubeObject, KubeServer, KubeServerChange, KubeServerCrd } from './kube-server.ts';

/** Argo CD and Flux CRDs, to add to the server in tests that have a GitOps engine. */
export const ENGINE_CRDS = {
  Application: { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications' },
  Kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'Kustomization',
    plural: 'kustomizations',
  },
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories' },
} as const satisfies Record<string, KubeServerCrd>;

/** Hedgehog kinds the base test server (hedgehog.ts) lacks, that generated fabrics use. */
export const MORE_HEDGEHOG_CRDS = {
  SwitchGroup: { group: 'wiring.githedgehog.com', version: 'v1beta1', kind: 'SwitchGroup', plural: 'switchgroups' },
} as const satisfies Record<string, KubeServerCrd>;

/** The Hedgehog kinds a GitOps engine applies (everything but Agent), when the server serves them. */
const APPLIED_KINDS: ReadonlySet<string> = new Set(
  [...Object.values(HEDGEHOG_CRDS), ...Object.values(MORE_HEDGEHOG_CRDS)]
    .map((crd) => crd.kind)
    .filter((kind) => kind !== 'Agent'),
);

function served(server: KubeServer, kind: string): boolean {
  try {
    server.objects(kind);
    return true;
  } catch {
    return false;
  }
}

const keyOf = (object: Pick<KubeObject, 'kind' | 'metadata'>) =>
  `${object.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}`;

/** What one commit read from a bare repository holds below `directory` (YAML documents with a kind). */
export async function objectsAtCommit(repoDir: string, commit: string, directory = 'fabric'): Promise<KubeObject[]> {
  const prefix = directory === '' ? '' : `${directory.replace(/\/+$/, '')}/`;
  const objects: KubeObject[] = [];
  for (const path of await listFiles(repoDir, commit)) {
    if (!path.startsWith(prefix) || !/\.ya?ml$/.test(path)) continue;
    const text = (await readFileAt(repoDir, commit, path)).toString('utf8');
    for (const document of parseAllDocuments(text)) {
      const value = document.toJSON() as KubeObject | null;
      if (value && typeof value === 'object' && typeof value.kind === 'string' && value.metadata?.name)
        objects.push(value);
    }
  }
  return objects;
}

export interface EngineApplyResult {
  created: string[];
  updated: string[];
  deleted: string[];
}

export interface ArgoApplicationOptions {
  name: string;
  namespace?: string;
  repoURL: string;
  /** @default 'fabric' */
  path?: string;
  /** Put the source in `spec.sources[]` (multi-source Application) instead of `spec.source`. */
  multiSource?: boolean;
}

export interface FluxKustomizationOptions {
  name: string;
  namespace?: string;
  url: string;
  /** @default './fabric' */
  path?: string;
  branch?: string;
}

/** A GitOps engine applying commits of the fabric directory to the server. */
export class GitopsEngineSim {
  readonly #server: KubeServer;
  readonly #directory: string;
  #argo: { name: string; namespace: string } | undefined;
  #flux: { name: string; namespace: string; branch: string } | undefined;

  constructor(server: KubeServer, options: { directory?: string } = {}) {
    this.#server = server;
    this.#directory = options.directory ?? 'fabric';
  }

  /** Creates the Application this engine reports on (status written by `applyCommit`). */
  argoApplication(options: ArgoApplicationOptions): KubeObject {
    const namespace = options.namespace ?? 'argocd';
    const source = { repoURL: options.repoURL, path: options.path ?? this.#directory, targetRevision: 'main' };
    this.#argo = { name: options.name, namespace };
    return this.#server.apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: options.name, namespace },
      spec: {
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
        ...(options.multiSource ? { sources: [source] } : { source }),
      },
    });
  }

  /** Creates the GitRepository and the Kustomization this engine reports on. */
  fluxKustomization(options: FluxKustomizationOptions): KubeObject {
    const namespace = options.namespace ?? 'flux-system';
    const branch = options.branch ?? 'main';
    this.#flux = { name: options.name, namespace, branch };
    this.#server.apply({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: options.name, namespace },
      spec: { url: options.url, interval: '1m', ref: { branch } },
    });
    return this.#server.apply({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: options.name, namespace },
      spec: {
        interval: '10m',
        path: options.path ?? `./${this.#directory}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: options.name },
      },
    });
  }

  /**
   * Applies a commit: the objects of the fabric directory at `commit` in the bare repository
   * `repoDir` (or the given objects) are created or updated, and the server's objects of the
   * applied kinds that the commit does not hold are deleted (prune). Then the engine's status,
   * when it has an Application or a Kustomization, names the commit.
   */
  async applyCommit(
    source: { repoDir: string; commit: string } | { objects: KubeObject[]; commit: string },
  ): Promise<EngineApplyResult> {
    const objects =
      'repoDir' in source ? await objectsAtCommit(source.repoDir, source.commit, this.#directory) : source.objects;
    const result = this.applyObjects(objects);
    this.reportSynced(source.commit);
    return result;
  }

  /** Makes the server's Hedgehog objects equal `objects` (status and Agents are left alone). */
  applyObjects(objects: readonly KubeObject[]): EngineApplyResult {
    const result: EngineApplyResult = { created: [], updated: [], deleted: [] };
    const kinds = [...APPLIED_KINDS].filter((kind) => served(this.#server, kind));
    const wanted = new Map(objects.filter((o) => kinds.includes(o.kind)).map((o) => [keyOf(o), o]));
    for (const kind of kinds) {
      for (const current of this.#server.objects(kind)) {
        if (wanted.has(keyOf(current))) continue;
        this.#server.delete(kind, current.metadata.name, current.metadata.namespace);
        result.deleted.push(keyOf(current));
      }
    }
    for (const [key, object] of wanted) {
      const current = this.#server.objects(object.kind).find((o) => keyOf(o) === key);
      const metadata = {
        name: object.metadata.name,
        namespace: object.metadata.namespace ?? 'default',
        ...(object.metadata.labels ? { labels: object.metadata.labels } : {}),
        ...(object.metadata.annotations ? { annotations: object.metadata.annotations } : {}),
      };
      if (!current) {
        this.#server.create({ apiVersion: object.apiVersion, kind: object.kind, metadata, spec: object.spec });
        result.created.push(key);
      } else if (
        JSON.stringify(current.spec) !== JSON.stringify(object.spec) ||
        JSON.stringify(current.metadata.labels ?? null) !== JSON.stringify(object.metadata.labels ?? null) ||
        JSON.stringify(current.metadata.annotations ?? null) !== JSON.stringify(object.metadata.annotations ?? null)
      ) {
        this.#server.update({
          apiVersion: object.apiVersion,
          kind: object.kind,
          metadata,
          spec: object.spec,
          ...(current.status === undefined ? {} : { status: current.status }),
        });
        result.updated.push(key);
      }
    }
    return result;
  }

  /** Writes the engine's status: synced to `commit` (Argo: Succeeded/Synced; Flux: Ready True). */
  reportSynced(commit: string): void {
    this.reportStatus({ revision: commit, healthy: true, message: `successfully synced (revision ${commit})` });
  }

  /** Writes the engine's status as given (e.g. a failed sync). */
  reportStatus(status: { revision: string; healthy: boolean; message: string; running?: boolean }): void {
    if (this.#argo) {
      const current = this.#server
        .objects('Application')
        .find((o) => o.metadata.name === this.#argo!.name && o.metadata.namespace === this.#argo!.namespace)!;
      this.#server.update({
        ...current,
        status: {
          sync: { status: status.healthy ? 'Synced' : 'OutOfSync', revision: status.revision },
          health: { status: status.healthy ? 'Healthy' : 'Degraded' },
          operationState: {
            phase: status.running ? 'Running' : status.healthy ? 'Succeeded' : 'Failed',
            message: status.message,
            syncResult: { revision: status.revision },
            finishedAt: new Date().toISOString(),
          },
        },
      });
    }
    if (this.#flux) {
      const current = this.#server
        .objects('Kustomization')
        .find((o) => o.metadata.name === this.#flux!.name && o.metadata.namespace === this.#flux!.namespace)!;
      this.#server.update({
        ...current,
        status: {
          lastAppliedRevision: `${this.#flux.branch}@sha1:${status.revision}`,
          lastAttemptedRevision: `${this.#flux.branch}@sha1:${status.revision}`,
          conditions: [
            {
              type: 'Ready',
              status: status.healthy ? 'True' : 'False',
              reason: status.running
                ? 'Progressing'
                : status.healthy
                  ? 'ReconciliationSucceeded'
                  : 'ReconciliationFailed',
              message: status.message,
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      });
    }
  }
}

/**
 * The switches an object names (the controller's own rules), looked up on the server as it is
 * now; `object` may be one just deleted.
 */
export function switchesOf(server: KubeServer, object: KubeObject): Set<string> {
  const switches = new Set<string>();
  const namespace = object.metadata.namespace ?? 'default';
  const serverSwitches = new Set(
    server.objects('Switch').map((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`),
  );
  const spec = (object.spec ?? {}) as Record<string, any>;
  switch (object.kind) {
    case 'Switch':
      switches.add(`${namespace}/${object.metadata.name}`);
      break;
    case 'Connection':
      for (const port of portsOf(spec)) {
        const device = `${namespace}/${port.split('/')[0]}`;
        if (serverSwitches.has(device)) switches.add(device);
      }
      break;
    case 'VPCAttachment': {
      const connection = server
        .objects('Connection')
        .find((c) => c.metadata.name === spec.connection && (c.metadata.namespace ?? 'default') === namespace);
      if (connection) for (const s of switchesOf(server, connection)) switches.add(s);
      break;
    }
    case 'VPC':
      for (const attachment of server.objects('VPCAttachment')) {
        const subnet = (attachment.spec as { subnet?: string } | undefined)?.subnet ?? '';
        if ((attachment.metadata.namespace ?? 'default') === namespace && subnet.split('/')[0] === object.metadata.name)
          for (const s of switchesOf(server, attachment)) switches.add(s);
      }
      break;
    case 'VPCPeering':
      for (const permit of (spec.permit ?? []) as Record<string, unknown>[]) {
        for (const vpcName of Object.keys(permit ?? {})) {
          const vpc = server
            .objects('VPC')
            .find((v) => v.metadata.name === vpcName && (v.metadata.namespace ?? 'default') === namespace);
          if (vpc) for (const s of switchesOf(server, vpc)) switches.add(s);
        }
      }
      break;
  }
  return switches;
}

/** Every `port: "<device>/<port>"` string anywhere in a Connection spec. */
function portsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(portsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'port' && typeof inner === 'string' && inner.includes('/') ? [inner] : portsOf(inner),
  );
}

/** The fabric controller: bumps the Agents of the switches a Hedgehog object change affects. */
export class FabricControllerSim {
  readonly #server: KubeServer;
  readonly #unsubscribe: () => void;
  #paused = false;
  /** Each bump, in order: the switch ("namespace/name"), the object that caused it, the new generation. */
  readonly bumps: { switch: string; cause: string; generation: number }[] = [];
  /** Called after each bump (AgentSims schedule their apply from it). */
  onBump: ((sw: string, generation: number) => void) | undefined;

  constructor(server: KubeServer) {
    this.#server = server;
    this.#unsubscribe = server.onChange((change) => this.#reconcile(change));
  }

  stop(): void {
    this.#unsubscribe();
  }

  /** While paused, object changes bump nothing (a controller that is down). */
  set paused(value: boolean) {
    this.#paused = value;
  }

  #reconcile(change: KubeServerChange): void {
    if (this.#paused || !APPLIED_KINDS.has(change.object.kind)) return;
    const affected = new Set<string>();
    if (change.type !== 'DELETED') for (const s of switchesOf(this.#server, change.object)) affected.add(s);
    if (change.previous) for (const s of switchesOf(this.#server, change.previous)) affected.add(s);
    const cause = keyOf(change.object);
    for (const sw of [...affected].sort()) {
      const [namespace, name] = sw.split('/') as [string, string];
      const agent = this.#server
        .objects('Agent')
        .find((a) => a.metadata.name === name && (a.metadata.namespace ?? 'default') === namespace);
      if (!agent) continue;
      const spec = (agent.spec ?? {}) as Record<string, unknown>;
      const updated = this.#server.update({
        ...agent,
        spec: { ...spec, configRevision: Number(spec.configRevision ?? 0) + 1, lastCause: cause },
      });
      this.bumps.push({ switch: sw, cause, generation: updated.metadata.generation! });
      this.onBump?.(sw, updated.metadata.generation!);
    }
  }
}

export type AgentApplyMode = { apply: 'on-demand' } | { apply: 'after'; ms: number } | { apply: 'never' };

/** One switch's agent. */
export class AgentSim {
  readonly namespace: string;
  readonly name: string;
  mode: AgentApplyMode;
  readonly #server: KubeServer;
  #heartbeat = true;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(server: KubeServer, name: string, options: { namespace?: string; mode?: AgentApplyMode } = {}) {
    this.#server = server;
    this.name = name;
    this.namespace = options.namespace ?? 'default';
    this.mode = options.mode ?? { apply: 'on-demand' };
  }

  /** The Agent object now. */
  get object(): KubeObject {
    const agent = this.#server
      .objects('Agent')
      .find((a) => a.metadata.name === this.name && a.metadata.namespace === this.namespace);
    if (!agent) throw new Error(`hedgehog-sim: no Agent ${this.namespace}/${this.name}`);
    return agent;
  }

  get generation(): number {
    return this.object.metadata.generation ?? 1;
  }

  get appliedGeneration(): number | undefined {
    return (this.object.status as { lastAppliedGen?: number } | undefined)?.lastAppliedGen;
  }

  /** The controller asked for a generation this agent has not applied. */
  get pending(): boolean {
    return this.appliedGeneration !== this.generation;
  }

  /** Creates the Agent object, applied and heartbeating (generation 1). */
  create(): KubeObject {
    this.#server.create({
      apiVersion: 'agent.githedgehog.com/v1beta1',
      kind: 'Agent',
      metadata: { name: this.name, namespace: this.namespace },
      spec: { role: 'server-leaf', configRevision: 0 },
    });
    return this.#write(true);
  }

  /**
   * Applies the current generation (as the agent does when it succeeded): lastAppliedGen,
   * lastAttemptGen, lastAppliedTime and lastHeartbeat. An agent in mode `never` only attempts
   * (lastAttemptGen, heartbeat). A stopped agent does nothing; returns whether it applied.
   */
  apply(): boolean {
    if (!this.#heartbeat) return false;
    this.#write(this.mode.apply !== 'never');
    return this.mode.apply !== 'never';
  }

  /** A heartbeat only (lastHeartbeat = now). */
  heartbeat(): void {
    if (!this.#heartbeat) return;
    const agent = this.object;
    this.#server.update({
      ...agent,
      status: { ...(agent.status as object), lastHeartbeat: new Date().toISOString() },
    });
  }

  /**
   * The agent dies: it never applies or heartbeats again; its last heartbeat is set to `at`
   * (default 1 hour ago) so it reads as stale now rather than after the threshold.
   */
  stopHeartbeat(at = new Date(Date.now() - 3_600_000)): void {
    this.#heartbeat = false;
    for (const timer of this.#timers) clearTimeout(timer);
    const agent = this.object;
    this.#server.update({ ...agent, status: { ...(agent.status as object), lastHeartbeat: at.toISOString() } });
  }

  /** Called when the controller bumped this agent's generation. */
  bumped(): void {
    if (this.mode.apply === 'never') {
      // It tries (the attempt is visible), and fails.
      if (this.#heartbeat) this.#write(false);
      return;
    }
    if (this.mode.apply !== 'after') return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#heartbeat && this.pending) this.apply();
    }, this.mode.ms);
    this.#timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #write(applied: boolean): KubeObject {
    const agent = this.object;
    const now = new Date().toISOString();
    const generation = agent.metadata.generation ?? 1;
    const status = (agent.status ?? {}) as Record<string, unknown>;
    return this.#server.update({
      ...agent,
      status: {
        ...status,
        lastHeartbeat: now,
        lastAttemptGen: generation,
        lastAttemptTime: now,
        ...(applied ? { lastAppliedGen: generation, lastAppliedTime: now } : {}),
        conditions: [
          {
            type: 'Applied',
            status: applied ? 'True' : 'False',
            reason: applied ? 'ApplySucceeded' : 'ApplyFailed',
            lastTransitionTime: now,
          },
        ],
      },
    });
  }
}

/** A simulated Hedgehog installation: engine, controller and one agent per switch. */
export class HedgehogSim {
  readonly server: KubeServer;
  readonly engine: GitopsEngineSim;
  readonly controller: FabricControllerSim;
  readonly agents = new Map<string, AgentSim>();

  constructor(server: KubeServer, options: { directory?: string } = {}) {
    this.server = server;
    this.engine = new GitopsEngineSim(server, options);
    this.controller = new FabricControllerSim(server);
    this.controller.onBump = (sw) => this.agents.get(sw)?.bumped();
  }

  /** Adds (and creates the Agent object of) a switch's agent, applied and heartbeating. */
  addAgent(name: string, options: { namespace?: string; mode?: AgentApplyMode } = {}): AgentSim {
    const agent = new AgentSim(this.server, name, options);
    this.agents.set(`${agent.namespace}/${name}`, agent);
    agent.create();
    return agent;
  }

  agent(name: string, namespace = 'default'): AgentSim {
    const agent = this.agents.get(`${namespace}/${name}`);
    if (!agent) throw new Error(`hedgehog-sim: no agent ${namespace}/${name}`);
    return agent;
  }

  /** Every agent with a generation to apply applies it (those in mode `on-demand`); returns their names. */
  applyPending(): string[] {
    const applied: string[] = [];
    for (const [key, agent] of this.agents)
      if (agent.mode.apply === 'on-demand' && agent.pending && agent.apply()) applied.push(key);
    return applied;
  }

  stop(): void {
    this.controller.stop();
    for (const agent of this.agents.values()) agent.dispose();
  }
}

// ---- object builders for the scenarios ---------------------------------------------------------

/** An unbundled Connection from a server port to a switch port (`<server>--unbundled--<switch>`). */
export function unbundledConnection(server: string, sw: string, options: { port?: string } = {}): KubeObject {
  return {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'Connection',
    metadata: { name: `${server}--unbundled--${sw}`, namespace: 'default' },
    spec: {
      unbundled: {
        link: { server: { port: `${server}/enp2s1` }, switch: { port: `${sw}/${options.port ?? 'E1/1'}` } },
      },
    },
  };
}

/** An MCLAG Connection from a server to two leaves (`<server>--mclag--<a>--<b>`). */
export function mclagConnection(server: string, a: string, b: string): KubeObject {
  return {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'Connection',
    metadata: { name: `${server}--mclag--${a}--${b}`, namespace: 'default' },
    spec: {
      mclag: {
        links: [
          { server: { port: `${server}/enp2s1` }, switch: { port: `${a}/E1/2` } },
          { server: { port: `${server}/enp2s2` }, switch: { port: `${b}/E1/2` } },
        ],
      },
    },
  };
}

/** A VPCAttachment of `<vpc>/<subnet>` on a connection. */
export function vpcAttachment(name: string, vpcName: string, connection: string, subnet = 'subnet-1'): KubeObject {
  return {
    apiVersion: 'vpc.githedgehog.com/v1beta1',
    kind: 'VPCAttachment',
    metadata: { name, namespace: 'default' },
    spec: { subnet: `${vpcName}/${subnet}`, connection },
  };
}
