/** GitOps engine matching (pure): which Argo CD Applications and Flux Kustomizations deploy a fabric. */
import { describe, expect, it } from 'vitest';
import type { ClusterObject } from '../../src/cluster/cluster-client.ts';
import {
  EngineCache,
  FLUX_KUSTOMIZATION_KIND,
  fluxRevisionOid,
  matchEngines,
  normalizeRepositoryUrl,
  pathCovers,
} from '../../src/cluster/gitops-engines.ts';
import { engineStatusFor } from '../../src/changes/change-engine.ts';
import { initialTimeline } from '../../src/changes/change-stages.ts';
import { ChangeObjectSchema, ChangeSchema } from '../../src/changes/change.entity.ts';
import { topics } from '../../src/events/event-bus.ts';
import type { FabricEvent } from '../../src/events/fabric-events.ts';
import { appTest } from '../support/app-fixture.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric, createRepository } from '../support/fixtures.ts';
import { HEDGEHOG_CRDS } from '../support/kube-server/hedgehog.ts';
import { ENGINE_CRDS, GitopsEngineSim } from '../support/kube-server/hedgehog-sim.ts';
import { KubeServer } from '../support/kube-server/kube-server.ts';
import type { TestApp } from '../support/test-app.ts';
import { until } from './support-live.ts';

const OID = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const SOURCE = { repositoryUrl: 'https://github.com/acme/fabric-config.git', directory: 'fabric' };

const application = (
  name: string,
  source: Record<string, unknown> | Record<string, unknown>[],
  status?: unknown,
  namespace = 'argocd',
): ClusterObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace },
  spec: Array.isArray(source) ? { sources: source } : { source },
  ...(status === undefined ? {} : { status }),
});

const kustomization = (name: string, spec: Record<string, unknown>, status?: unknown): ClusterObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system' },
  spec,
  ...(status === undefined ? {} : { status }),
});

const gitRepository = (name: string, url: string, namespace = 'flux-system'): ClusterObject => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name, namespace },
  spec: { url },
});

describe('normalizeRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/fabric-config.git', 'github.com/acme/fabric-config'],
    ['https://github.com/acme/fabric-config', 'github.com/acme/fabric-config'],
    ['https://GitHub.com/acme/fabric-config/', 'github.com/acme/fabric-config'],
    ['https://token@github.com:443/acme/fabric-config.git/', 'github.com/acme/fabric-config'],
    ['git@github.com:acme/fabric-config.git', 'github.com/acme/fabric-config'],
    ['ssh://git@github.com:22/acme/fabric-config', 'github.com/acme/fabric-config'],
    ['ssh://git@github.com/acme/fabric-config.git?ref=main', 'github.com/acme/fabric-config'],
    ['file:///srv/git/fabric.git', '/srv/git/fabric'],
    ['/srv/git/fabric.git/', '/srv/git/fabric'],
  ])('%s -> %s', (url, expected) => {
    expect(normalizeRepositoryUrl(url)).toBe(expected);
  });

  it('keeps owners and paths apart (case of the path matters)', () => {
    expect(normalizeRepositoryUrl('https://github.com/acme/Fabric')).not.toBe(
      normalizeRepositoryUrl('https://github.com/acme/fabric'),
    );
    expect(normalizeRepositoryUrl('https://github.com/other/fabric-config')).not.toBe(
      normalizeRepositoryUrl(SOURCE.repositoryUrl),
    );
  });
});

describe('pathCovers', () => {
  it.each([
    ['fabric', 'fabric', true],
    ['./fabric/', 'fabric', true],
    ['', 'fabric', true],
    ['.', 'fabric', true],
    ['./', 'sites/east/fabric', true],
    ['sites', 'sites/east/fabric', true],
    ['sites/east', 'sites/east/fabric', true],
    ['sites/east/fabric/managed', 'sites/east/fabric', false],
    ['fab', 'fabric', false],
    ['other', 'fabric', false],
  ])('engine path %j covers directory %j: %s', (path, directory, expected) => {
    expect(pathCovers(path, directory)).toBe(expected);
  });
});

describe('fluxRevisionOid', () => {
  it.each([
    [`main@sha1:${OID}`, OID],
    [`refs/heads/main@sha1:${OID}`, OID],
    [`main/${OID}`, OID],
    [OID, OID],
    [`v1.0@sha256:${'c'.repeat(64)}`, 'c'.repeat(64)],
    [undefined, null],
    ['', null],
  ])('%j -> %j', (revision, expected) => {
    expect(fluxRevisionOid(revision)).toBe(expected);
  });
});

describe('matchEngines', () => {
  it('reads an Argo CD Application with spec.source: revision, phase, sync status, message', () => {
    const app = application(
      'fabric',
      { repoURL: 'git@github.com:acme/fabric-config.git', path: 'fabric', targetRevision: 'main' },
      {
        sync: { status: 'Synced', revision: OID },
        operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' },
      },
    );
    expect(matchEngines([app], SOURCE)).toEqual([
      {
        kind: 'Application',
        namespace: 'argocd',
        name: 'fabric',
        revision: OID,
        phase: 'Succeeded',
        syncStatus: 'Synced',
        message: 'successfully synced (all tasks run)',
      },
    ]);
  });

  it("takes a multi-source Application's revision at the matching source's index", () => {
    const app = application(
      'multi',
      [
        { repoURL: 'https://github.com/acme/helm-charts', path: 'charts' },
        { repoURL: 'https://github.com/acme/fabric-config', path: '.' },
      ],
      { sync: { status: 'OutOfSync', revisions: [OTHER, OID] } },
    );
    expect(matchEngines([app], SOURCE)).toMatchObject([
      { name: 'multi', revision: OID, phase: 'OutOfSync', syncStatus: 'OutOfSync', message: null },
    ]);
  });

  it('an Application without status yet matches with nulls', () => {
    const app = application('new', { repoURL: SOURCE.repositoryUrl, path: 'fabric' });
    expect(matchEngines([app], SOURCE)).toMatchObject([{ revision: null, phase: null, syncStatus: null }]);
  });

  it('reads a Flux Kustomization through its GitRepository (same namespace by default)', () => {
    const objects = [
      gitRepository('fabric-config', 'ssh://git@github.com/acme/fabric-config'),
      kustomization(
        'fabric',
        { path: './fabric', sourceRef: { kind: 'GitRepository', name: 'fabric-config' } },
        {
          lastAppliedRevision: `main@sha1:${OID}`,
          conditions: [
            { type: 'Healthy', status: 'True', reason: 'Other' },
            {
              type: 'Ready',
              status: 'True',
              reason: 'ReconciliationSucceeded',
              message: `Applied revision: main@sha1:${OID}`,
            },
          ],
        },
      ),
    ];
    expect(matchEngines(objects, SOURCE)).toEqual([
      {
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'fabric',
        revision: OID,
        phase: 'ReconciliationSucceeded',
        syncStatus: 'True',
        message: `Applied revision: main@sha1:${OID}`,
      },
    ]);
  });

  it('follows a sourceRef into another namespace', () => {
    const objects = [
      gitRepository('fabric-config', SOURCE.repositoryUrl, 'sources'),
      gitRepository('fabric-config', 'https://github.com/acme/other'),
      kustomization('fabric', {
        path: 'fabric',
        sourceRef: { kind: 'GitRepository', name: 'fabric-config', namespace: 'sources' },
      }),
    ];
    expect(matchEngines(objects, SOURCE).map((e) => e.name)).toEqual(['fabric']);
  });

  it.each<[string, ClusterObject[]]>([
    ['another repository', [application('a', { repoURL: 'https://github.com/acme/other', path: 'fabric' })]],
    ['another directory', [application('a', { repoURL: SOURCE.repositoryUrl, path: 'clusters/prod' })]],
    [
      'a subdirectory of the fabric directory',
      [application('a', { repoURL: SOURCE.repositoryUrl, path: 'fabric/managed' })],
    ],
    ['a helm chart source (no repoURL)', [application('a', { chart: 'x', path: 'fabric' })]],
    [
      'a Kustomization whose GitRepository is absent',
      [kustomization('k', { path: './fabric', sourceRef: { kind: 'GitRepository', name: 'gone' } })],
    ],
    [
      'a Kustomization on an OCIRepository',
      [
        gitRepository('fabric-config', SOURCE.repositoryUrl),
        kustomization('k', { path: './fabric', sourceRef: { kind: 'OCIRepository', name: 'fabric-config' } }),
      ],
    ],
    [
      'a Kustomization on another path',
      [
        gitRepository('fabric-config', SOURCE.repositoryUrl),
        kustomization('k', { path: './apps', sourceRef: { kind: 'GitRepository', name: 'fabric-config' } }),
      ],
    ],
    [
      'hostile shapes (strings, arrays, NUL bytes)',
      [
        { ...application('a', { repoURL: SOURCE.repositoryUrl }), spec: 'nonsense' },
        { ...application('b', { repoURL: SOURCE.repositoryUrl }), spec: { sources: 'x' } },
        application('c', { repoURL: `${SOURCE.repositoryUrl}\u0000`, path: 'fabric' }),
        { ...kustomization('k', {}), spec: ['x'] },
      ],
    ],
  ])('does not match %s', (_label, objects) => {
    expect(matchEngines(objects, SOURCE)).toEqual([]);
  });

  it('ignores hostile status shapes instead of throwing', () => {
    const app = application('a', { repoURL: SOURCE.repositoryUrl, path: 'fabric' }, { sync: 'x', operationState: [1] });
    expect(matchEngines([app], SOURCE)).toMatchObject([{ revision: null, phase: null, message: null }]);
  });

  it('sorts several engines by kind, namespace and name', () => {
    const objects = [
      gitRepository('src', SOURCE.repositoryUrl),
      kustomization('b', { path: './', sourceRef: { kind: 'GitRepository', name: 'src' } }),
      application('z', { repoURL: SOURCE.repositoryUrl, path: '' }),
      application('a', { repoURL: SOURCE.repositoryUrl, path: 'fabric' }, undefined, 'team'),
    ];
    expect(matchEngines(objects, SOURCE).map((e) => `${e.kind} ${e.namespace}/${e.name}`)).toEqual([
      'Application argocd/z',
      'Application team/a',
      'Kustomization flux-system/b',
    ]);
  });
});

describe('engineStatusFor (includesChange)', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const change = { commitOid: OID, mergeCommitOid: null, commits: [] };
  const engine = (revision: string | null) => ({
    kind: 'Application' as const,
    namespace: 'argocd',
    name: 'fabric',
    revision,
    phase: 'Succeeded',
    syncStatus: 'Synced',
    message: null,
  });

  it("includes the change at its own commit, a short form of it, or a later change's commit", () => {
    expect(engineStatusFor(change, new Set(), [engine(OID)], now)).toMatchObject({
      includesChange: true,
      revision: OID,
    });
    expect(engineStatusFor(change, new Set(), [engine(OID.slice(0, 8))], now)?.includesChange).toBe(true);
    expect(engineStatusFor(change, new Set([OTHER]), [engine(OTHER)], now)?.includesChange).toBe(true);
    expect(engineStatusFor({ ...change, mergeCommitOid: OTHER }, new Set(), [engine(OTHER)], now)?.includesChange).toBe(
      true,
    );
  });

  it('does not include it at an older or unknown revision, or none', () => {
    expect(engineStatusFor(change, new Set(), [engine(OTHER)], now)).toMatchObject({
      includesChange: false,
      revision: OTHER,
    });
    expect(engineStatusFor(change, new Set(), [engine(null)], now)?.includesChange).toBe(false);
    expect(engineStatusFor(change, new Set(), [engine('abc')], now)?.includesChange).toBe(false);
  });

  it('prefers the engine that includes the change; none gives null', () => {
    const first = { ...engine(OTHER), name: 'a' };
    const second = { ...engine(OID), name: 'b' };
    expect(engineStatusFor(change, new Set(), [first, second], now)?.name).toBe('b');
    expect(engineStatusFor(change, new Set(), [], now)).toBeNull();
  });
});

describe('EngineCache', () => {
  it('keeps the objects of each kind; a relist replaces them; a resync of the same version moves nothing', () => {
    const cache = new EngineCache();
    const k = (name: string, rv: string): ClusterObject => ({
      ...kustomization(name, {}),
      metadata: { name, namespace: 'flux-system', resourceVersion: rv },
    });
    expect(cache.apply({ type: 'synced', kind: FLUX_KUSTOMIZATION_KIND, objects: [k('a', '1'), k('b', '2')] })).toBe(
      true,
    );
    expect(cache.apply({ type: 'upsert', kind: FLUX_KUSTOMIZATION_KIND, object: k('a', '1') })).toBe(false);
    expect(cache.apply({ type: 'upsert', kind: FLUX_KUSTOMIZATION_KIND, object: k('a', '3') })).toBe(true);
    expect(cache.apply({ type: 'delete', kind: FLUX_KUSTOMIZATION_KIND, object: k('b', '4') })).toBe(true);
    expect(cache.apply({ type: 'delete', kind: FLUX_KUSTOMIZATION_KIND, object: k('b', '4') })).toBe(false);
    expect(cache.objects().map((o) => o.metadata.resourceVersion)).toEqual(['3']);
    cache.apply({ type: 'synced', kind: FLUX_KUSTOMIZATION_KIND, objects: [] });
    expect(cache.objects()).toEqual([]);
  });
});

describe('the engine watch (gateway, test Kubernetes API server)', () => {
  const test = appTest;
  const TOKEN = 'engine-token';
  let withEngines: KubeServer;
  let without: KubeServer;
  test.beforeAll(async () => {
    withEngines = await KubeServer.start({
      crds: [...Object.values(HEDGEHOG_CRDS), ...Object.values(ENGINE_CRDS)],
      token: TOKEN,
    });
    without = await KubeServer.start({ crds: Object.values(HEDGEHOG_CRDS), token: TOKEN });
  });
  test.afterAll(async () => {
    await withEngines?.close();
    await without?.close();
  });

  async function fabricOn(t: TestApp, server: KubeServer, url = SOURCE.repositoryUrl) {
    const repository = await createRepository(t, { url });
    return (
      await createFabric(t, {
        gitRepositoryId: repository.id,
        gitopsDirectory: 'fabric',
        kubernetes: { server: server.url, token: TOKEN },
      })
    ).id;
  }

  const clusterStatus = (t: TestApp, fabricId: string) =>
    t.graphqlOk<{
      fabric: {
        clusterStatus: { state: string; missingKinds: string[]; kinds: { kind: string }[]; gitopsEngines: any[] };
      };
    }>(
      `query($id: ID!) { fabric(id: $id) { clusterStatus { state missingKinds kinds { kind }
         gitopsEngines { kind namespace name revision phase syncStatus message } } } }`,
      { id: fabricId },
    );

  async function openChange(t: TestApp, fabricId: string, commitOid: string): Promise<string> {
    const em = t.app.services().em;
    const change = em.create(ChangeSchema, {
      fabric: fabricId,
      source: 'gateway',
      commitOid,
      branch: 'main',
      ...initialTimeline('COMMITTED', new Date()),
      objectCount: 1,
      objectsBehind: ['VPC default/not-in-the-cluster'],
    } as never);
    // An object the cluster never gets: the tracker keeps the change open (COMMITTED).
    em.create(ChangeObjectSchema, {
      change,
      fabricId,
      kind: 'VPC',
      namespace: 'default',
      name: 'not-in-the-cluster',
      action: 'create',
      committed: { apiVersion: 'vpc.githedgehog.com/v1beta1', spec: { subnets: {} }, labels: null, annotations: null },
      previous: null,
    } as never);
    await em.flush();
    return change.id;
  }

  const changeRow = async (t: TestApp, id: string) =>
    (
      await queryDatabase<{ engine: any; version: number; stage: string }>(
        t.database.url,
        'select engine, version, stage from change where id = $1',
        [id],
      )
    )[0]!;

  test('absent engine CRDs: no engines, never a missing kind or an error', async ({ t }) => {
    const fabricId = await fabricOn(t, without);
    const status = await until(
      t,
      fabricId,
      async () => {
        const s = (await clusterStatus(t, fabricId)).fabric.clusterStatus;
        return s.state === 'WATCHING' && s.kinds.length > 0 ? s : false;
      },
      'watching',
    );
    for (const kind of ['Application', 'Kustomization', 'GitRepository']) {
      expect(status.missingKinds).not.toContain(kind);
      expect(status.kinds.map((k) => k.kind)).not.toContain(kind);
    }
    expect(status.gitopsEngines).toEqual([]);
    // Discovery asked for the engine groups (404), and nothing was listed or watched there.
    expect(without.countRequests((r) => r.path === '/apis/argoproj.io/v1alpha1')).toBeGreaterThan(0);
    expect(without.countRequests((r) => /\/(applications|kustomizations|gitrepositories)$/.test(r.path))).toBe(0);
  });

  test('an Argo CD Application: shown on the cluster status; its revision set on the open changes', async ({ t }) => {
    const fabricId = await fabricOn(t, withEngines);
    const changeId = await openChange(t, fabricId, OID);
    const older = await openChange(t, fabricId, OTHER);
    // `older` was recorded after `changeId`: OTHER is a later change's commit for changeId.
    const engine = new GitopsEngineSim(withEngines);
    // Another team's Application on the same cluster is not the fabric's.
    withEngines.create(
      application('apps', { repoURL: 'https://github.com/acme/apps', path: 'fabric' }, undefined, 'argocd'),
    );
    engine.argoApplication({ name: 'fabric', repoURL: 'git@github.com:acme/fabric-config', path: 'fabric' });
    await until(
      t,
      fabricId,
      async () => (await clusterStatus(t, fabricId)).fabric.clusterStatus.gitopsEngines.length === 1,
      'engine seen',
    );

    const events: FabricEvent[] = [];
    const controller = new AbortController();
    const subscription = t.app.eventBus.subscribe<FabricEvent>(topics.fabric(fabricId), { signal: controller.signal });
    void (async () => {
      for await (const event of subscription) events.push(event);
    })();

    engine.reportStatus({ revision: OID, healthy: false, running: true, message: 'syncing' });
    const first = await until(
      t,
      fabricId,
      async () => {
        const row = await changeRow(t, changeId);
        return row.engine?.phase === 'Running' ? row : false;
      },
      'engine status on the change',
    );
    expect(first.engine).toMatchObject({
      kind: 'Application',
      namespace: 'argocd',
      name: 'fabric',
      revision: OID,
      phase: 'Running',
      message: 'syncing',
      includesChange: true,
    });
    expect((await changeRow(t, older)).engine).toMatchObject({ revision: OID, includesChange: false });

    engine.reportSynced(OTHER);
    const second = await until(
      t,
      fabricId,
      async () => {
        const row = await changeRow(t, older);
        return row.engine?.revision === OTHER ? row : false;
      },
      'newer revision',
    );
    expect(second.engine).toMatchObject({ phase: 'Succeeded', includesChange: true });
    const first2 = await changeRow(t, changeId);
    expect(first2.engine).toMatchObject({ revision: OTHER, includesChange: true });
    expect(first2.version).toBeGreaterThan(first.version);
    expect(first2.stage).toBe('COMMITTED');

    await until(t, fabricId, async () => events.filter((e) => e.type === 'CHANGE_UPDATED').length >= 4, 'events');
    controller.abort();
    expect(events.filter((e) => e.type === 'CHANGE_UPDATED')).toContainEqual(
      expect.objectContaining({ changeId, stage: 'COMMITTED', previousStage: 'COMMITTED' }),
    );
    expect((await clusterStatus(t, fabricId)).fabric.clusterStatus.gitopsEngines).toEqual([
      {
        kind: 'Application',
        namespace: 'argocd',
        name: 'fabric',
        revision: OTHER,
        phase: 'Succeeded',
        syncStatus: 'Synced',
        message: expect.stringContaining(OTHER),
      },
    ]);
  });

  test('a Flux Kustomization through its GitRepository; a final change is left alone', async ({ t }) => {
    const url = 'https://github.com/acme/flux-fabric';
    const fabricId = await fabricOn(t, withEngines, url);
    const changeId = await openChange(t, fabricId, OID);
    const closed = await openChange(t, fabricId, OTHER);
    await queryDatabase(t.database.url, `update change set open = false, stage = 'SUPERSEDED' where id = $1`, [closed]);
    const engine = new GitopsEngineSim(withEngines);
    engine.fluxKustomization({ name: 'flux-fabric', url: `${url}.git`, path: './' });
    engine.reportSynced(OID);
    const row = await until(
      t,
      fabricId,
      async () => {
        const r = await changeRow(t, changeId);
        return r.engine?.kind === 'Kustomization' && r.engine.revision === OID ? r : false;
      },
      'flux status',
    );
    expect(row.engine).toMatchObject({ phase: 'ReconciliationSucceeded', includesChange: true });
    expect((await changeRow(t, closed)).engine).toBeNull();
  });
});
