/**
 * Conflict resolution strategies. Each one changes data and is recorded in `conflictDetails`:
 * - GUI_WINS: the draft is kept and rebased onto Git's current version (the next push writes it).
 * - GIT_WINS: the draft is dropped; Git's version stands.
 * - MERGE: a given merged manifest becomes the draft (validated by the caller), rebased likewise.
 * - MANUAL: the draft stays unpushed and flagged `resolving` until another strategy resolves it or it is discarded.
 */
import type { Resource } from '../resource/resource.entity.ts';
import type { ManifestObject } from '../resource/manifest-input.ts';
import {
  clearDraft,
  editableStateOf,
  rebaseDraftBase,
  recordResolution,
  setDraft,
} from '../resource/resource-state.ts';

export const RESOLUTION_STRATEGIES = ['GUI_WINS', 'GIT_WINS', 'MERGE', 'MANUAL'] as const;
export type ResolutionStrategy = (typeof RESOLUTION_STRATEGIES)[number];

export function applyResolution(
  row: Resource,
  input: { strategy: ResolutionStrategy; merged?: unknown; actor: string },
): string {
  const record = { strategy: input.strategy, by: input.actor, at: new Date().toISOString() };
  switch (input.strategy) {
    case 'GIT_WINS':
      clearDraft(row);
      recordResolution(row, 'resolved', record);
      return 'Git version kept; draft dropped';
    case 'GUI_WINS':
      if (!row.draftAction) throw new Error('the resource has no draft to keep');
      rebaseDraftBase(row, row.desiredBlobOid ?? null);
      recordResolution(row, 'resolved', record);
      return 'draft kept and rebased on the Git version; pushing it';
    case 'MERGE': {
      setDraft(row, editableStateOf(input.merged as ManifestObject), input.actor, new Date());
      recordResolution(row, 'resolved', record);
      return 'merged manifest stored as the draft, rebased on the Git version';
    }
    case 'MANUAL':
      recordResolution(row, 'resolving', record);
      return 'kept flagged for manual resolution; the draft is not pushed until edited or discarded';
  }
}
