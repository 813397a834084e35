import { describe, expect, it } from 'vitest';
import { gitBlobOid, renderCanonicalYaml, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { checkConflict } from '../../src/sync/conflicts.ts';
import type { EditableState } from '../../src/resource/resource-state.ts';
import { changedManagedPaths, planPull, planPullFromDiff } from '../../src/sync/plan-pull.ts';
import { planPush, type PushDraft } from '../../src/sync/plan-push.ts';
import { isRelevantPush, signatureOf, verifyWebhookSignature } from '../../src/sync/webhook.ts';

const oid = (n: number) => n.toString(16).padStart(40, '0');
const entry = (path: string, n: number) => ({ path, mode: '100644', oid: oid(n), size: 10 });

describe('planPull', () => {
  it('classifies managed files by blob oid and lists raw files', () => {
    const plan = planPull({
      directory: 'fab',
      storedFiles: new Map([
        ['managed/switchs/a.yaml', oid(1)],
        ['managed/switchs/b.yaml', oid(2)],
        ['managed/switchs/gone.yaml', oid(3)],
      ]),
      headTree: [
        entry('fab/managed/switchs/a.yaml', 1),
        entry('fab/managed/switchs/b.yaml', 22),
        entry('fab/managed/vpcs/new.yaml', 4),
        entry('fab/raw/import.yaml', 5),
        entry('fab/README.md', 6),
        entry('fab/managed/switchs/notes.txt', 7),
        entry('other/managed/switchs/x.yaml', 8),
      ],
    });
    expect(plan.created.map((file) => [file.path, file.repositoryPath])).toEqual([
      ['managed/vpcs/new.yaml', 'fab/managed/vpcs/new.yaml'],
    ]);
    expect(plan.changed).toEqual([
      {
        path: 'managed/switchs/b.yaml',
        repositoryPath: 'fab/managed/switchs/b.yaml',
        oid: oid(22),
        previousOid: oid(2),
      },
    ]);
    expect(plan.deleted).toEqual([{ path: 'managed/switchs/gone.yaml', previousOid: oid(3) }]);
    expect(plan.raw.map((file) => file.path)).toEqual(['raw/import.yaml']);
    expect(plan.unchangedCount).toBe(1);
  });

  it('works for a fabric at the repository root', () => {
    const plan = planPull({ directory: '', storedFiles: new Map(), headTree: [entry('managed/switchs/a.yml', 1)] });
    expect(plan.created.map((file) => file.path)).toEqual(['managed/switchs/a.yml']);
  });

  it('an unchanged fabric plans nothing', () => {
    const stored = new Map(Array.from({ length: 100 }, (_, i) => [`managed/switchs/s${i}.yaml`, oid(i + 1)] as const));
    const plan = planPull({
      directory: 'f',
      storedFiles: stored,
      headTree: [...stored].map(([path, blob]) => ({ path: `f/${path}`, mode: '100644', oid: blob, size: 1 })),
    });
    expect([plan.created, plan.changed, plan.deleted]).toEqual([[], [], []]);
    expect(plan.unchangedCount).toBe(100);
  });
});

const added = (path: string, n: number) => ({ path, status: 'added' as const, oid: oid(n), previousOid: null });
const modified = (path: string, n: number, before: number | null = null) => ({
  path,
  status: 'modified' as const,
  oid: oid(n),
  previousOid: before === null ? null : oid(before),
});
const deleted = (path: string) => ({ path, status: 'deleted' as const, oid: null, previousOid: null });

describe('planPullFromDiff', () => {
  it('decides created, changed and deleted from the database rows of the changed paths only', () => {
    const changes = [
      added('fab/managed/vpcs/new.yaml', 4),
      modified('fab/managed/switchs/b.yaml', 22, 2),
      deleted('fab/managed/switchs/gone.yaml'),
      added('fab/raw/import.yaml', 5),
      added('fab/README.md', 6),
      modified('fab/managed/switchs/notes.txt', 7),
      added('other/managed/switchs/x.yaml', 8),
    ];
    expect(changedManagedPaths(changes, 'fab')).toEqual([
      'managed/switchs/b.yaml',
      'managed/switchs/gone.yaml',
      'managed/vpcs/new.yaml',
    ]);
    const plan = planPullFromDiff({
      directory: 'fab',
      changes,
      storedFiles: new Map([
        ['managed/switchs/b.yaml', oid(2)],
        ['managed/switchs/gone.yaml', oid(3)],
      ]),
      rawTree: [entry('fab/raw/import.yaml', 5), entry('fab/raw/older/waiting.yaml', 9)],
    });
    expect(plan.created).toEqual([
      { path: 'managed/vpcs/new.yaml', repositoryPath: 'fab/managed/vpcs/new.yaml', oid: oid(4) },
    ]);
    // The stored oid is the previous one, whatever the host reported.
    expect(plan.changed).toEqual([
      {
        path: 'managed/switchs/b.yaml',
        repositoryPath: 'fab/managed/switchs/b.yaml',
        oid: oid(22),
        previousOid: oid(2),
      },
    ]);
    expect(plan.deleted).toEqual([{ path: 'managed/switchs/gone.yaml', previousOid: oid(3) }]);
    // Every file waiting in raw/ comes from the raw listing, changed in this diff or not.
    expect(plan.raw.map((file) => [file.path, file.repositoryPath])).toEqual([
      ['raw/import.yaml', 'fab/raw/import.yaml'],
      ['raw/older/waiting.yaml', 'fab/raw/older/waiting.yaml'],
    ]);
    expect(plan.unchangedCount).toBe(0);
  });

  it('what the database already records (a push, an ingestion) is unchanged; deleting an unknown path is nothing', () => {
    const plan = planPullFromDiff({
      directory: '',
      changes: [
        modified('managed/switchs/pushed.yaml', 5, 4),
        added('managed/switchs/ingested.yml', 6),
        added('managed/switchs/brand-new.yaml', 7),
        modified('managed/switchs/unknown-before.yaml', 8, 3),
        deleted('managed/switchs/never-stored.yaml'),
        deleted('managed/switchs/moved-by-push.yaml'),
      ],
      storedFiles: new Map([
        ['managed/switchs/pushed.yaml', oid(5)],
        ['managed/switchs/ingested.yml', oid(6)],
      ]),
      rawTree: [],
    });
    expect(plan.created.map((file) => file.path)).toEqual([
      'managed/switchs/brand-new.yaml',
      'managed/switchs/unknown-before.yaml',
    ]);
    expect(plan.changed).toEqual([]);
    expect(plan.deleted).toEqual([]);
    expect(plan.unchangedCount).toBe(2);
  });

  it('an empty diff plans nothing but still lists raw/', () => {
    const plan = planPullFromDiff({
      directory: 'f',
      changes: [],
      storedFiles: new Map(),
      rawTree: [entry('f/raw/a.yaml', 1)],
    });
    expect([plan.created, plan.changed, plan.deleted, plan.unchangedCount]).toEqual([[], [], [], 0]);
    expect(plan.raw.map((file) => file.path)).toEqual(['raw/a.yaml']);
  });
});

const switchObject = (name: string, description: string): HedgehogObject => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'Switch',
  metadata: { name, namespace: 'default' },
  spec: { role: 'server-leaf', description },
});
const upsert = (name: string, description: string, currentPath: string | null = null): PushDraft => ({
  resourceId: `id-${name}`,
  kind: 'Switch',
  namespace: 'default',
  name,
  action: 'upsert',
  object: switchObject(name, description),
  currentPath,
});
const pushInput = { directory: 'fab', operationId: 'op-1', actor: 'alice', fabricName: 'f1' };

describe('planPush', () => {
  it('makes one change set of canonical files with a summary and trailers', () => {
    const existing = renderCanonicalYaml(switchObject('s2', 'old'));
    const plan = planPush({
      ...pushInput,
      desired: new Map([
        ['managed/switchs/s2.yaml', gitBlobOid(existing)],
        ['managed/switchs/s3.yaml', oid(3)],
      ]),
      drafts: [
        upsert('s1', 'new'),
        upsert('s2', 'changed', 'managed/switchs/s2.yaml'),
        {
          resourceId: 'id-s3',
          kind: 'Switch',
          namespace: 'default',
          name: 's3',
          action: 'delete',
          currentPath: 'managed/switchs/s3.yaml',
        },
      ],
    });
    expect(plan.additions.map((addition) => addition.path)).toEqual([
      'fab/managed/switchs/s1.yaml',
      'fab/managed/switchs/s2.yaml',
    ]);
    expect(plan.additions[0]!.contents).toBe(renderCanonicalYaml(switchObject('s1', 'new')));
    expect(plan.deletions).toEqual([{ path: 'fab/managed/switchs/s3.yaml' }]);
    expect(plan.writes.map((write) => [write.resourceId, write.change])).toEqual([
      ['id-s1', 'create'],
      ['id-s2', 'update'],
      ['id-s3', 'delete'],
    ]);
    expect(plan.writes[0]!.blobOid).toBe(gitBlobOid(renderCanonicalYaml(switchObject('s1', 'new'))));
    expect(plan.message.split('\n')[0]).toBe('f1: 1 created, 1 updated, 1 deleted');
    expect(plan.message).toMatch(/\n\nGateway-Operation: op-1\nGateway-Actor: alice\n$/);
  });

  it('skips drafts whose canonical content Git already has: no commit at all', () => {
    const text = renderCanonicalYaml(switchObject('s1', 'same'));
    const plan = planPush({
      ...pushInput,
      desired: new Map([['managed/switchs/s1.yaml', gitBlobOid(text)]]),
      drafts: [
        upsert('s1', 'same', 'managed/switchs/s1.yaml'),
        { resourceId: 'id-x', kind: 'Switch', namespace: 'default', name: 'x', action: 'delete', currentPath: null },
      ],
    });
    expect(plan).toMatchObject({ additions: [], deletions: [], writes: [], message: '', unchanged: ['id-s1', 'id-x'] });
  });

  it('uses the caller message as headline and keeps the trailers; actor newlines cannot forge trailers', () => {
    const plan = planPush({
      ...pushInput,
      actor: 'eve\nGateway-Actor: root',
      message: 'Add leaf',
      desired: new Map(),
      drafts: [upsert('s1', 'x')],
    });
    expect(plan.message.startsWith('Add leaf\n')).toBe(true);
    expect(plan.message.match(/^Gateway-Actor: .*$/gm)).toEqual(['Gateway-Actor: eve Gateway-Actor: root']);
  });

  it('moves a file living under a non-canonical name and refuses to rewrite a multi-object file', () => {
    const plan = planPush({
      ...pushInput,
      desired: new Map([
        ['managed/switchs/legacy.yaml', oid(1)],
        ['managed/switchs/bundle.yaml', oid(2)],
      ]),
      objectsPerFile: new Map([['managed/switchs/bundle.yaml', 2]]),
      drafts: [upsert('s1', 'x', 'managed/switchs/legacy.yaml'), upsert('s2', 'y', 'managed/switchs/bundle.yaml')],
    });
    expect(plan.additions.map((addition) => addition.path)).toEqual(['fab/managed/switchs/s1.yaml']);
    expect(plan.deletions).toEqual([{ path: 'fab/managed/switchs/legacy.yaml' }]);
    expect(plan.refused).toEqual([
      { resourceId: 'id-s2', reason: expect.stringContaining('bundle.yaml together with other objects') },
    ]);
  });
});

const state = (spec: unknown, labels: Record<string, string> | null = null): EditableState => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  labels,
  annotations: null,
  spec,
});

describe('checkConflict', () => {
  it('merges edits to different fields', () => {
    const result = checkConflict({
      base: state({ a: 1, b: 1 }),
      ours: state({ a: 2, b: 1 }),
      theirs: state({ a: 1, b: 3 }, { x: 'y' }),
    });
    expect(result).toEqual({ outcome: 'merged', merged: state({ a: 2, b: 3 }, { x: 'y' }) });
  });

  it('lists each conflicting path with base, ours and theirs', () => {
    const result = checkConflict({
      base: state({ a: 1, b: 1 }),
      ours: state({ a: 2, b: 5 }),
      theirs: state({ a: 3, b: 5 }),
    });
    expect(result).toEqual({ outcome: 'conflict', paths: [{ path: '$.spec.a', base: 1, ours: 2, theirs: 3 }] });
  });

  it('says "same" when Git already has what the draft wants', () => {
    expect(checkConflict({ base: state({ a: 1 }), ours: state({ a: 2 }), theirs: state({ a: 2 }) })).toEqual({
      outcome: 'same',
    });
  });

  it('a draft edit against a deletion in Git is a conflict; a draft delete against an untouched file is merged as delete', () => {
    const deleted = checkConflict({ base: state({ a: 1 }), ours: state({ a: 2 }), theirs: null });
    expect(deleted).toMatchObject({ outcome: 'conflict', paths: [{ path: '$', theirs: null }] });
    expect(checkConflict({ base: state({ a: 1 }), ours: null, theirs: state({ a: 1, b: 2 }) }).outcome).toBe(
      'conflict',
    );
    // two creations of the same object with different specs
    expect(checkConflict({ base: null, ours: state({ a: 1 }), theirs: state({ a: 2 }) })).toMatchObject({
      outcome: 'conflict',
      paths: [{ path: '$.spec.a' }],
    });
  });
});

describe('webhook checks', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it('accepts the right HMAC and refuses anything else', () => {
    const signature = signatureOf('s3cret-value', body);
    expect(verifyWebhookSignature({ secret: 's3cret-value', body, signature })).toBe(true);
    expect(
      verifyWebhookSignature({
        secret: 's3cret-value',
        body,
        signature: signature.toUpperCase().replace('SHA256', 'sha256'),
      }),
    ).toBe(true);
    expect(verifyWebhookSignature({ secret: 'other-secret', body, signature })).toBe(false);
    expect(verifyWebhookSignature({ secret: 's3cret-value', body: Buffer.from('{}'), signature })).toBe(false);
    expect(verifyWebhookSignature({ secret: 's3cret-value', body, signature: undefined })).toBe(false);
    expect(verifyWebhookSignature({ secret: 's3cret-value', body, signature: 'sha256=abc' })).toBe(false);
    expect(
      verifyWebhookSignature({ secret: 's3cret-value', body, signature: signature.replace('sha256', 'sha1') }),
    ).toBe(false);
  });

  it('a push is relevant when it is on the branch and touches the directory', () => {
    const fabric = { branch: 'main', directory: 'fab' };
    const push = (ref: string, paths: string[]) => ({ ref, commits: [{ added: [], modified: paths, removed: [] }] });
    expect(isRelevantPush(push('refs/heads/main', ['fab/managed/switchs/a.yaml']), fabric)).toBe(true);
    expect(isRelevantPush(push('refs/heads/main', ['docs/readme.md']), fabric)).toBe(false);
    expect(isRelevantPush(push('refs/heads/main', ['fabric2/x.yaml']), fabric)).toBe(false);
    expect(isRelevantPush(push('refs/heads/dev', ['fab/managed/switchs/a.yaml']), fabric)).toBe(false);
    expect(isRelevantPush({ ref: 'refs/heads/main', deleted: true, commits: [] }, fabric)).toBe(false);
    // cannot tell (no commit list, or GitHub's 20-commit cap): pull
    expect(isRelevantPush({ ref: 'refs/heads/main' }, fabric)).toBe(true);
    expect(
      isRelevantPush(
        {
          ref: 'refs/heads/main',
          commits: Array.from({ length: 20 }, () => ({ added: [], modified: ['x'], removed: [] })),
        },
        fabric,
      ),
    ).toBe(true);
  });
});
