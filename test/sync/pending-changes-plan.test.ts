/** The pure half of pendingChanges and of the history cursors. */
import { describe, expect, it } from 'vitest';
import { gitBlobOid, renderCanonicalYaml, type HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { decodeHistoryCursor, encodeHistoryCursor } from '../../src/sync/history-cursor.ts';
import { describePendingChanges, gitReadsFor, type PendingDraft } from '../../src/sync/pending-changes.ts';

const vlan = (name: string, to = 1999): HedgehogObject => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, namespace: 'default' },
  spec: { ranges: [{ from: 1000, to }] },
});
const draft = (object: HedgehogObject, overrides: Partial<PendingDraft> = {}): PendingDraft => ({
  resourceId: `id-${object.metadata.name}`,
  kind: object.kind,
  namespace: 'default',
  name: object.metadata.name,
  action: 'upsert',
  object,
  currentPath: `managed/vlannamespaces/${object.metadata.name}.yaml`,
  desired: vlan(object.metadata.name),
  ...overrides,
});

describe('describePendingChanges', () => {
  const text = renderCanonicalYaml(vlan('moved'));
  const input = {
    directory: 'fab',
    fabricName: 'f',
    desired: new Map([
      ['hand-written/moved.yaml', gitBlobOid(text)],
      ['managed/shared.yaml', gitBlobOid('two objects\n')],
    ]),
    objectsPerFile: new Map([['managed/shared.yaml', 2]]),
    drafts: [
      // Git has it outside its canonical path: the commit moves it there.
      draft(vlan('moved', 1500), { currentPath: 'hand-written/moved.yaml' }),
      // Lives in a file with another object: the push refuses it.
      draft(vlan('shared', 1500), { currentPath: 'managed/shared.yaml' }),
    ],
  };

  it('names a moved file on both sides, and a refused draft with its reason; reads only what Git has', () => {
    expect(gitReadsFor(input)).toEqual([gitBlobOid('two objects\n'), gitBlobOid(text)].sort());
    const described = describePendingChanges(
      input,
      new Map([
        [gitBlobOid(text), text],
        [gitBlobOid('two objects\n'), 'two objects\n'],
      ]),
    );
    const [moved, shared] = described.changes;
    expect(moved).toMatchObject({
      action: 'update',
      status: 'included',
      path: 'fab/managed/vlannamespaces/moved.yaml',
      previousPath: 'fab/hand-written/moved.yaml',
      before: text,
      after: renderCanonicalYaml(vlan('moved', 1500)),
    });
    expect(moved!.diff.split('\n').slice(0, 2)).toEqual([
      '--- a/fab/hand-written/moved.yaml',
      '+++ b/fab/managed/vlannamespaces/moved.yaml',
    ]);
    expect(shared).toMatchObject({ status: 'refused', reason: expect.stringContaining('split that file') });
    expect(described.files).toEqual({
      added: ['fab/managed/vlannamespaces/moved.yaml'],
      changed: [],
      deleted: ['fab/hand-written/moved.yaml'],
    });
  });
});

describe('history cursors', () => {
  const head = 'a'.repeat(40);
  it('round-trip the head and the host cursor', () => {
    for (const after of ['7', 'YWJjIDE=', 'sha 12']) {
      expect(decodeHistoryCursor(encodeHistoryCursor({ head, after }))).toEqual({ head, after });
    }
  });

  it.each([
    ['empty', ''],
    ['NUL', `abc\u0000`],
    ['not base64url', 'a+b/c='],
    ['no separator', Buffer.from(head).toString('base64url')],
    ['a short head', Buffer.from('abc.1').toString('base64url')],
    ['a control character in the host cursor', Buffer.from(`${head}.1\u0000`).toString('base64url')],
    ['oversized', 'A'.repeat(401)],
  ])('refuse %s with INVALID_INPUT', (_name, cursor) => {
    expect(() => decodeHistoryCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
