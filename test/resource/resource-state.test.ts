import { describe, expect, it } from 'vitest';
import {
  clearDesired,
  clearDraft,
  desiredStateOf,
  draftStateOf,
  editableStateOf,
  hasAnyState,
  hasDesiredOrLive,
  markConflict,
  setDesired,
  setDraft,
  setDraftState,
  type ResourceStateRow,
} from '../../src/resource/resource-state.ts';

/** A row with no state at all, as a plain object. */
function emptyRow(overrides: Partial<ResourceStateRow> = {}): ResourceStateRow {
  return {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    desiredSpec: null,
    desiredLabels: null,
    desiredAnnotations: null,
    desiredCommit: null,
    managedFilePath: null,
    desiredBlobOid: null,
    fileHash: null,
    lastFileSync: null,
    draftAction: null,
    draftApiVersion: null,
    draftSpec: null,
    draftLabels: null,
    draftAnnotations: null,
    draftBaseBlobOid: null,
    draftedBy: null,
    draftedAt: null,
    liveSpec: null,
    liveResourceVersion: null,
    conflictStatus: 'none',
    conflictDetails: null,
    ...overrides,
  };
}

const at = new Date('2026-01-02T03:04:05Z');
const source = { path: 'managed/switch/leaf-01.yaml', blobOid: 'b1', fileHash: 'h1', commit: 'c1', at };

describe('resource-state', () => {
  it('reads a manifest as an editable state: empty maps are none, a missing spec is {}', () => {
    expect(editableStateOf({ apiVersion: 'v1', metadata: { labels: {}, annotations: { a: 'b' } } })).toEqual({
      apiVersion: 'v1',
      labels: null,
      annotations: { a: 'b' },
      spec: {},
    });
  });

  it('sets the desired state from an object and where it is in Git', () => {
    const row = emptyRow();
    setDesired(
      row,
      {
        apiVersion: 'wiring.githedgehog.com/v1beta2',
        metadata: { labels: {}, annotations: { note: 'x' } },
        spec: { role: 'leaf' },
      },
      source,
    );
    expect(row).toMatchObject({
      apiVersion: 'wiring.githedgehog.com/v1beta2',
      desiredSpec: { role: 'leaf' },
      desiredLabels: null,
      desiredAnnotations: { note: 'x' },
      desiredCommit: 'c1',
      managedFilePath: 'managed/switch/leaf-01.yaml',
      desiredBlobOid: 'b1',
      fileHash: 'h1',
      lastFileSync: at,
    });
    expect(desiredStateOf(row)).toEqual({
      apiVersion: 'wiring.githedgehog.com/v1beta2',
      labels: null,
      annotations: { note: 'x' },
      spec: { role: 'leaf' },
    });
  });

  it('clears the desired state and records the commit that removed it', () => {
    const row = emptyRow();
    setDesired(row, { apiVersion: 'v1', metadata: {}, spec: {} }, source);
    clearDesired(row, 'c2', at);
    expect(row).toMatchObject({
      desiredSpec: null,
      desiredLabels: null,
      desiredAnnotations: null,
      desiredCommit: 'c2',
      managedFilePath: null,
      desiredBlobOid: null,
      fileHash: null,
      lastFileSync: at,
    });
    expect(desiredStateOf(row)).toBeNull();
  });

  it('records an upsert draft based on the desired version, by an actor', () => {
    const row = emptyRow({ desiredSpec: { role: 'leaf' }, desiredBlobOid: 'b1' });
    setDraft(row, { apiVersion: 'v1', labels: { a: 'b' }, annotations: {}, spec: { role: 'spine' } }, 'alice', at);
    expect(row).toMatchObject({
      draftAction: 'upsert',
      draftApiVersion: 'v1',
      draftSpec: { role: 'spine' },
      draftLabels: { a: 'b' },
      draftAnnotations: null,
      draftBaseBlobOid: 'b1',
      draftedBy: 'alice',
      draftedAt: at,
    });
    expect(draftStateOf(row)).toEqual({
      apiVersion: 'v1',
      labels: { a: 'b' },
      annotations: null,
      spec: { role: 'spine' },
    });
  });

  it('records a delete draft with the row apiVersion and no content', () => {
    const row = emptyRow({
      desiredSpec: { role: 'leaf' },
      desiredBlobOid: 'b1',
      draftSpec: { old: true },
      draftLabels: { a: 'b' },
    });
    setDraft(row, null, 'bob', at);
    expect(row).toMatchObject({
      draftAction: 'delete',
      draftApiVersion: 'wiring.githedgehog.com/v1beta1',
      draftSpec: null,
      draftLabels: null,
      draftAnnotations: null,
      draftBaseBlobOid: 'b1',
      draftedBy: 'bob',
    });
  });

  it('rebases nothing when only the content changes (a merge keeps who and the base for the caller)', () => {
    const row = emptyRow({
      draftAction: 'upsert',
      draftBaseBlobOid: 'old',
      draftedBy: 'alice',
      draftedAt: at,
      conflictStatus: 'resolving',
    });
    setDraftState(row, { apiVersion: 'v1', labels: null, annotations: null, spec: { merged: true } });
    expect(row).toMatchObject({
      draftSpec: { merged: true },
      draftBaseBlobOid: 'old',
      draftedBy: 'alice',
      conflictStatus: 'resolving',
    });
  });

  it('drops the conflict together with the draft', () => {
    const row = emptyRow({ draftAction: 'upsert', draftSpec: {}, draftedBy: 'alice' });
    markConflict(row, { paths: [{ path: '$.spec.role' }] });
    expect(row).toMatchObject({ conflictStatus: 'detected', conflictDetails: { paths: [{ path: '$.spec.role' }] } });
    clearDraft(row);
    expect(row).toMatchObject({
      draftAction: null,
      draftApiVersion: null,
      draftSpec: null,
      draftLabels: null,
      draftAnnotations: null,
      draftBaseBlobOid: null,
      draftedBy: null,
      draftedAt: null,
      conflictStatus: 'none',
      conflictDetails: null,
    });
  });

  it('keeps a row while any state is left: draft, desired, live spec or live version', () => {
    expect(hasAnyState(emptyRow())).toBe(false);
    expect(hasAnyState(emptyRow({ draftAction: 'upsert' }))).toBe(true);
    expect(hasAnyState(emptyRow({ desiredSpec: {} }))).toBe(true);
    expect(hasAnyState(emptyRow({ liveSpec: {} }))).toBe(true);
    expect(hasAnyState(emptyRow({ liveResourceVersion: '7' }))).toBe(true);
    // A draft alone does not count when the question is whether anything but the draft is left.
    expect(hasDesiredOrLive(emptyRow({ draftAction: 'upsert' }))).toBe(false);
    expect(hasDesiredOrLive(emptyRow({ liveResourceVersion: '7' }))).toBe(true);
  });
});
