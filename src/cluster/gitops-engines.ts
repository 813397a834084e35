/**
 * GitOps engines (docs/changes.md, "GitOps engines"): which Argo CD `Application`s and Flux
 * `Kustomization`s of a fabric's cluster deploy the fabric's repository and directory, and what
 * each last reported (revision, phase, message). Pure: the objects come from the fabric's watch
 * (EngineCache below), the repository URL and directory from the fabric.
 *
 * Their CRDs are optional: a cluster without Argo CD or Flux simply has no engines.
 */
import { objectKey, type ClusterEvent, type ClusterObject, type WatchedKind } from './cluster-client.ts';

export const ARGO_APPLICATION_KIND: WatchedKind = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Application',
  plural: 'applications',
};
export const FLUX_KUSTOMIZATION_KIND: WatchedKind = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'Kustomization',
  plural: 'kustomizations',
};
export const FLUX_GIT_REPOSITORY_KIND: WatchedKind = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'GitRepository',
  plural: 'gitrepositories',
};

/** Watched beside the managed kinds when served; never reported as missing. */
export const ENGINE_KINDS: readonly WatchedKind[] = [
  ARGO_APPLICATION_KIND,
  FLUX_KUSTOMIZATION_KIND,
  FLUX_GIT_REPOSITORY_KIND,
];

export function isEngineKind(kind: Pick<WatchedKind, 'kind' | 'group'>): boolean {
  return ENGINE_KINDS.some((k) => k.kind === kind.kind && k.group === kind.group);
}

/** What one engine that deploys the fabric reports. */
export interface GitopsEngineStatus {
  kind: 'Application' | 'Kustomization';
  namespace: string;
  name: string;
  /** The commit the engine last applied (Argo `status.sync.revision`, Flux `lastAppliedRevision`'s oid). */
  revision: string | null;
  /** Argo: `status.operationState.phase` (else `status.sync.status`); Flux: the Ready condition's reason. */
  phase: string | null;
  /** Argo: `status.sync.status` (Synced, OutOfSync); Flux: the Ready condition's status (True, False). */
  syncStatus: string | null;
  message: string | null;
}

/** Where the fabric's files are: its repository URL and gitops directory. */
export interface FabricSource {
  repositoryUrl: string;
  directory: string;
}

/**
 * A repository URL in one comparable form, `host/path` (or the path for local ones): scheme,
 * user, port, `.git` and trailing slashes dropped, host lower-cased. `https://github.com/o/r.git`,
 * `git@github.com:o/r` and `ssh://git@github.com:22/o/r/` all give `github.com/o/r`.
 */
export function normalizeRepositoryUrl(url: string): string {
  let rest = url.trim();
  let host = '';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    rest = rest.slice(scheme[0].length);
    const end = rest.search(/[/?#]/);
    const authority = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? '' : rest.slice(end);
    host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  } else {
    const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.*)$/.exec(rest);
    if (scp) {
      host = scp[1]!;
      rest = `/${scp[2]!}`;
    }
  }
  rest = rest.replace(/[?#].*$/, '');
  let path = rest
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  if (host) path = path.replace(/^\/+/, '');
  return host ? `${host.toLowerCase()}/${path}` : path;
}

/** A directory in one form: no `./` or leading/trailing slashes; the root is ''. */
export function normalizeDirectory(path: string | undefined | null): string {
  return (path ?? '')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** The engine's path deploys the fabric's directory: equal to it, or a parent of it. */
export function pathCovers(enginePath: string | undefined | null, directory: string): boolean {
  const path = normalizeDirectory(enginePath);
  const target = normalizeDirectory(directory);
  return path === '' || path === target || target.startsWith(`${path}/`);
}

/**
 * The engines among `objects` (Applications, Kustomizations and the GitRepositories they name)
 * that deploy `source`, sorted by kind, namespace and name, each with its status.
 */
export function matchEngines(objects: readonly ClusterObject[], source: FabricSource): GitopsEngineStatus[] {
  const repository = normalizeRepositoryUrl(source.repositoryUrl);
  const gitRepositories = new Map<string, ClusterObject>();
  for (const object of objects)
    if (object.kind === 'GitRepository') gitRepositories.set(objectKey(withNamespace(object)), object);
  const found: GitopsEngineStatus[] = [];
  for (const object of objects) {
    if (object.kind === 'Application') {
      const status = argoApplicationStatus(object, repository, source.directory);
      if (status) found.push(status);
    } else if (object.kind === 'Kustomization') {
      const spec = record(object.spec);
      const sourceRef = record(spec?.sourceRef);
      if (sourceRef?.kind !== undefined && sourceRef.kind !== 'GitRepository') continue;
      const namespace = string(sourceRef?.namespace) ?? object.metadata.namespace ?? 'default';
      const gitRepository = gitRepositories.get(`${namespace}/${string(sourceRef?.name) ?? ''}`);
      const url = string(record(gitRepository?.spec)?.url);
      if (!url || normalizeRepositoryUrl(url) !== repository) continue;
      if (!pathCovers(string(spec?.path), source.directory)) continue;
      found.push(fluxKustomizationStatus(object));
    }
  }
  return found.sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

function argoApplicationStatus(
  object: ClusterObject,
  repository: string,
  directory: string,
): GitopsEngineStatus | undefined {
  const spec = record(object.spec);
  const sources = Array.isArray(spec?.sources) ? spec.sources.map(record) : [record(spec?.source)];
  const index = sources.findIndex((source) => {
    const url = string(source?.repoURL);
    return (
      url !== undefined && normalizeRepositoryUrl(url) === repository && pathCovers(string(source?.path), directory)
    );
  });
  if (index === -1) return undefined;
  const status = record(object.status);
  const sync = record(status?.sync);
  const operation = record(status?.operationState);
  const revisions = Array.isArray(sync?.revisions) ? sync.revisions : undefined;
  const revision = string(revisions ? revisions[index] : sync?.revision) ?? null;
  const syncStatus = string(sync?.status) ?? null;
  return {
    kind: 'Application',
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
    revision,
    phase: string(operation?.phase) ?? syncStatus,
    syncStatus,
    message: string(operation?.message) ?? null,
  };
}

function fluxKustomizationStatus(object: ClusterObject): GitopsEngineStatus {
  const status = record(object.status);
  const ready = Array.isArray(status?.conditions)
    ? status.conditions.map(record).find((condition) => condition?.type === 'Ready')
    : undefined;
  return {
    kind: 'Kustomization',
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
    revision: fluxRevisionOid(string(status?.lastAppliedRevision)),
    phase: string(ready?.reason) ?? null,
    syncStatus: string(ready?.status) ?? null,
    message: string(ready?.message) ?? null,
  };
}

/** The commit of a Flux revision: `main@sha1:<oid>` (Flux v2.1+), `main/<oid>` (older), or a bare oid. */
export function fluxRevisionOid(revision: string | undefined): string | null {
  if (!revision) return null;
  const digest = /(?:^|@)(?:sha1|sha256):([0-9a-f]+)$/i.exec(revision);
  if (digest) return digest[1]!.toLowerCase();
  const legacy = /(?:^|\/)([0-9a-f]{40}|[0-9a-f]{64})$/i.exec(revision);
  return legacy ? legacy[1]!.toLowerCase() : revision;
}

/** The engine objects of one fabric's cluster, in memory from its watch (as the AgentCache). */
export class EngineCache {
  readonly #objects = new Map<string, Map<string, ClusterObject>>();

  /** Takes one event of an engine kind; true when what the cache holds changed. */
  apply(event: ClusterEvent): boolean {
    const kind = event.kind.kind;
    let objects = this.#objects.get(kind);
    if (!objects) {
      objects = new Map();
      this.#objects.set(kind, objects);
    }
    if (event.type === 'synced') {
      objects.clear();
      for (const object of event.objects) objects.set(objectKey(object), object);
      return true;
    }
    const key = objectKey(event.object);
    if (event.type === 'delete') return objects.delete(key);
    const previous = objects.get(key);
    objects.set(key, event.object);
    // A resync of the same object (same resourceVersion) moves nothing.
    return previous?.metadata.resourceVersion !== event.object.metadata.resourceVersion;
  }

  /** Every engine object held (Applications, Kustomizations, GitRepositories). */
  objects(): ClusterObject[] {
    return [...this.#objects.values()].flatMap((objects) => [...objects.values()]);
  }
}

function withNamespace(object: ClusterObject): ClusterObject {
  return object.metadata.namespace ? object : { ...object, metadata: { ...object.metadata, namespace: 'default' } };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
