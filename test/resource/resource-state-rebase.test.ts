import { expect, it } from 'vitest';
import {
  hasAnyState,
  markConflict,
  rebaseDraft,
  setDraft,
  type ResourceStateRow,
} from '../../src/resource/resource-state.ts';

/** A row in Git at blob `base` with a draft on it that was once held back as a conflict. */
function draftedRow(): ResourceStateRow {
  const row = {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    desiredSpec: { ranges: [{ from: 1000, to: 1999 }] },
    desiredLabels: null,
    desiredAnnotations: null,
    desiredCommit: 'c1',
    managedFilePath: 'vlannamespace/ns.yaml',
    desiredBlobOid: 'base',
    fileHash: 'h1',
    lastFileSync: new Date(0),
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
  } as ResourceStateRow;
  setDraft(
    row,
    { apiVersion: row.apiVersion, labels: { team: 'a' }, annotations: null, spec: row.desiredSpec },
    'alice',
    new Date(1),
  );
  markConflict(row, { commit: 'c2' });
  return row;
}

it('rebases a draft onto a new Git version: merged content, new base, no conflict, author kept', () => {
  const row = draftedRow();
  const merged = { apiVersion: row.apiVersion, labels: { team: 'a' }, annotations: null, spec: { ranges: [] } };
  rebaseDraft(row, merged, 'theirs');
  expect(row).toMatchObject({
    draftAction: 'upsert',
    draftSpec: { ranges: [] },
    draftLabels: { team: 'a' },
    draftBaseBlobOid: 'theirs',
    conflictStatus: 'none',
    conflictDetails: null,
    draftedBy: 'alice',
    draftedAt: new Date(1),
  });
  // The desired state is not the draft's to change.
  expect(row.desiredBlobOid).toBe('base');
});

it('rebases a delete onto an object that left Git: a delete draft with no base, the row kept', () => {
  const row = draftedRow();
  rebaseDraft(row, null, null);
  expect(row).toMatchObject({ draftAction: 'delete', draftSpec: null, draftBaseBlobOid: null, conflictStatus: 'none' });
  expect(hasAnyState(row)).toBe(true);
});
