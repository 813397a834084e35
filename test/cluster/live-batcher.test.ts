/** The live batcher without a cluster or a database: a writer the test answers, events handed in. */
import { describe, expect, it } from 'vitest';
import type { ClusterEvent, ClusterObject, WatchedKind } from '../../src/cluster/cluster-client.ts';
import { LiveBatcher, mergeChanges, type LiveBatch } from '../../src/cluster/live-batcher.ts';
import type { KindChanges } from '../../src/cluster/live-state-store.ts';
import { createDeferred } from '../support/git-fixtures.ts';

const VPC: WatchedKind = { group: 'vpc.githedgehog.com', version: 'v1beta1', kind: 'VPC', plural: 'vpcs' };
const SWITCH: WatchedKind = { group: 'wiring.githedgehog.com', version: 'v1beta1', kind: 'Switch', plural: 'switches' };

function object(kind: WatchedKind, name: string, resourceVersion: string): ClusterObject {
  return {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: { name, namespace: 'default', resourceVersion },
  };
}
const upsert = (kind: WatchedKind, name: string, rv: string): ClusterEvent => ({
  type: 'upsert',
  kind,
  object: object(kind, name, rv),
});
const remove = (kind: WatchedKind, name: string, rv: string): ClusterEvent => ({
  type: 'delete',
  kind,
  object: object(kind, name, rv),
});
const relist = (kind: WatchedKind, ...objects: [string, string][]): ClusterEvent => ({
  type: 'synced',
  kind,
  objects: objects.map(([name, rv]) => object(kind, name, rv)),
});

/** A batch as plain data: relisted objects as `key@resourceVersion`, changes as resourceVersion or null (delete). */
function view(batch: ReadonlyMap<string, KindChanges>) {
  return Object.fromEntries(
    [...batch].map(([kind, changes]) => [
      kind,
      {
        ...(changes.relisted
          ? { relisted: [...changes.relisted].map(([key, o]) => `${key}@${o.metadata.resourceVersion}`) }
          : {}),
        changes: Object.fromEntries(
          [...changes.changes].map(([key, o]) => [key, o ? o.metadata.resourceVersion : null]),
        ),
      },
    ]),
  );
}

/** The writer port, answered by the test: each write waits until the test settles it. */
function fakeWriter() {
  const calls: { batch: LiveBatch; done: ReturnType<typeof createDeferred<void>> }[] = [];
  const waiters: (() => void)[] = [];
  return {
    calls,
    write(batch: LiveBatch): Promise<void> {
      const done = createDeferred<void>();
      calls.push({ batch, done });
      for (const waiter of waiters.splice(0)) waiter();
      return done.promise;
    },
    /** Write number `n` (from 0), once the batcher has made it. */
    async call(n: number) {
      while (calls.length <= n) await new Promise<void>((resolve) => waiters.push(resolve));
      return calls[n]!;
    },
  };
}

function batcherWith(writer: ReturnType<typeof fakeWriter>, options: { retryDelayMs?: number } = {}) {
  const controller = new AbortController();
  const failures: unknown[] = [];
  const failed = createDeferred<void>();
  const relistsStored: [string, number][] = [];
  const batcher = new LiveBatcher({
    signal: controller.signal,
    write: (batch) => writer.write(batch),
    onWriteFailed: (error) => {
      failures.push(error);
      failed.resolve();
    },
    onRelistStored: (kind, objects) => relistsStored.push([kind, objects]),
    retryDelayMs: options.retryDelayMs ?? 0,
  });
  return { batcher, controller, failures, failed, relistsStored };
}

describe('LiveBatcher', () => {
  it('writes the events of one tick in one batch, the last event of an object winning', async () => {
    const writer = fakeWriter();
    const { batcher } = batcherWith(writer);
    batcher.add(upsert(VPC, 'a', '1'));
    batcher.add(upsert(VPC, 'b', '2'));
    batcher.add(upsert(VPC, 'a', '3'));
    batcher.add(remove(VPC, 'b', '4'));
    batcher.add(upsert(SWITCH, 'leaf-1', '5'));
    const first = await writer.call(0);
    expect(view(first.batch)).toEqual({
      VPC: { changes: { 'default/a': '3', 'default/b': null } },
      Switch: { changes: { 'default/leaf-1': '5' } },
    });
    first.done.resolve();
    await batcher.idle();
    expect(writer.calls).toHaveLength(1);
  });

  it('a relist replaces the older events of its kind; events after it stay on top', async () => {
    const writer = fakeWriter();
    const { batcher } = batcherWith(writer);
    batcher.add(upsert(VPC, 'gone', '1'));
    batcher.add(relist(VPC, ['x', '2'], ['y', '3']));
    batcher.add(upsert(VPC, 'y', '4'));
    const first = await writer.call(0);
    expect(view(first.batch)).toEqual({
      VPC: { relisted: ['default/x@2', 'default/y@3'], changes: { 'default/y': '4' } },
    });
  });

  it('events arriving during a write go into the next batch', async () => {
    const writer = fakeWriter();
    const { batcher } = batcherWith(writer);
    batcher.add(upsert(VPC, 'a', '1'));
    const first = await writer.call(0);
    batcher.add(upsert(VPC, 'b', '2'));
    batcher.add(upsert(VPC, 'c', '3'));
    first.done.resolve();
    const second = await writer.call(1);
    expect(view(second.batch)).toEqual({ VPC: { changes: { 'default/b': '2', 'default/c': '3' } } });
  });

  it('a failed write is reported, merged back under the newer events and retried', async () => {
    const writer = fakeWriter();
    const { batcher, failures } = batcherWith(writer);
    batcher.add(relist(VPC, ['a', '1'], ['b', '2']));
    batcher.add(upsert(VPC, 'c', '3'));
    const first = await writer.call(0);
    batcher.add(upsert(VPC, 'c', '4'));
    batcher.add(remove(VPC, 'a', '5'));
    batcher.add(upsert(SWITCH, 'leaf-1', '6'));
    first.done.reject(new Error('database down'));
    const retried = await writer.call(1);
    expect(failures).toEqual([new Error('database down')]);
    expect(view(retried.batch)).toEqual({
      VPC: { relisted: ['default/a@1', 'default/b@2'], changes: { 'default/c': '4', 'default/a': null } },
      Switch: { changes: { 'default/leaf-1': '6' } },
    });
  });

  it('reports a stored relist after its batch is written, not before', async () => {
    const writer = fakeWriter();
    const { batcher, relistsStored } = batcherWith(writer);
    batcher.add(relist(VPC, ['a', '1'], ['b', '2'], ['c', '3']));
    batcher.add(upsert(SWITCH, 'leaf-1', '4'));
    const first = await writer.call(0);
    expect(relistsStored).toEqual([]);
    first.done.resolve();
    await batcher.idle();
    expect(relistsStored).toEqual([['VPC', 3]]);
  });

  it('after the signal: a retry wait is cut short and later events are dropped', async () => {
    const writer = fakeWriter();
    // A retry an hour away: only the signal can end the wait before the test times out.
    const { batcher, controller, failures, failed } = batcherWith(writer, { retryDelayMs: 3_600_000 });
    batcher.add(upsert(VPC, 'a', '1'));
    (await writer.call(0)).done.reject(new Error('database down'));
    await failed.promise;
    controller.abort();
    await batcher.idle();
    batcher.add(upsert(VPC, 'b', '2'));
    await batcher.idle();
    expect(failures).toHaveLength(1);
    expect(writer.calls).toHaveLength(1);
  });

  it('a write failing after the signal (fabric deleted, gateway stopping) is neither reported nor retried', async () => {
    const writer = fakeWriter();
    const { batcher, controller, failures } = batcherWith(writer);
    batcher.add(upsert(VPC, 'a', '1'));
    const write = await writer.call(0);
    controller.abort();
    write.done.reject(new Error('fabric deleted'));
    await batcher.idle();
    expect(failures).toEqual([]);
    expect(writer.calls).toHaveLength(1);
  });
});

describe('mergeChanges', () => {
  const changes = (entries: [string, string | null][], relisted?: [string, string][]): KindChanges => ({
    ...(relisted
      ? { relisted: new Map(relisted.map(([name, rv]) => [`default/${name}`, object(VPC, name, rv)])) }
      : {}),
    changes: new Map(entries.map(([name, rv]) => [`default/${name}`, rv === null ? null : object(VPC, name, rv)])),
  });

  it('puts newer events of an object over older ones, keeping an older relist', () => {
    const older: LiveBatch = new Map([
      [
        'VPC',
        changes(
          [
            ['a', '2'],
            ['b', '3'],
          ],
          [['a', '1']],
        ),
      ],
    ]);
    const newer: LiveBatch = new Map([
      [
        'VPC',
        changes([
          ['a', null],
          ['c', '4'],
        ]),
      ],
    ]);
    expect(view(mergeChanges(older, newer))).toEqual({
      VPC: { relisted: ['default/a@1'], changes: { 'default/a': null, 'default/b': '3', 'default/c': '4' } },
    });
  });

  it('a newer relist replaces everything older of its kind', () => {
    const older: LiveBatch = new Map([
      [
        'VPC',
        changes(
          [['a', '2']],
          [
            ['a', '1'],
            ['b', '1'],
          ],
        ),
      ],
    ]);
    const newer: LiveBatch = new Map([['VPC', changes([['c', '6']], [['c', '5']])]]);
    expect(view(mergeChanges(older, newer))).toEqual({
      VPC: { relisted: ['default/c@5'], changes: { 'default/c': '6' } },
    });
  });

  it('keeps kinds found on one side only, and changes neither input', () => {
    const older: LiveBatch = new Map([['VPC', changes([['a', '1']])]]);
    const newer: LiveBatch = new Map([
      ['Switch', { changes: new Map([['default/leaf-1', object(SWITCH, 'leaf-1', '2')]]) }],
    ]);
    const before = [view(older), view(newer)];
    expect(view(mergeChanges(older, newer))).toEqual({
      VPC: { changes: { 'default/a': '1' } },
      Switch: { changes: { 'default/leaf-1': '2' } },
    });
    expect(mergeChanges(new Map(), older)).toEqual(older);
    expect(mergeChanges(older, new Map())).toEqual(older);
    expect([view(older), view(newer)]).toEqual(before);
  });
});
