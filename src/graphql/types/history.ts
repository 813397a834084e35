/**
 * Review before commit, history and revert: `Fabric.pendingChanges` (and `pendingChanges`),
 * `Resource.history`, `Fabric.commits` and `revertResource`. Kept apart from fabric.ts and
 * resource.ts: these fields are added to those types here.
 */
import type { FieldDifference } from '../../diff/json-diff.ts';
import {
  describeImpact,
  IMPACT_RELATIONS,
  type AffectedSwitch,
  type ImpactReason,
  type ImpactRelation,
  type ImpactResult,
  type ObjectRef,
  type UnresolvedReference,
} from '../../hedgehog/impact.ts';
import type { BoundedValidationResult } from '../../manifest-validator/manifest-validator.ts';
import type { CommitView, FileCommitView, HistoryPageArgs } from '../../sync/git-history.service.ts';
import type { PendingChange } from '../../sync/pending-changes.ts';
import type { PendingChangesView } from '../../sync/pending-changes.service.ts';
import { builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { FabricRef } from './fabric.ts';
import { ResourceRef } from './resource.ts';
import { FindingRef } from './validation.ts';

// ---------------------------------------------------------------------------------------------
// Pending changes

const PendingActionEnum = builder.enumType('PendingChangeAction', {
  description: 'What a draft does to its object.',
  values: {
    CREATE: { value: 'create', description: 'The object is new: Git has no file for it yet.' },
    UPDATE: { value: 'update', description: 'The object exists in Git and changes.' },
    DELETE: { value: 'delete', description: 'The object is removed: its file is deleted.' },
  } as const,
});

const PendingStatusEnum = builder.enumType('PendingChangeStatus', {
  description: 'What the next commit does with a draft.',
  values: {
    INCLUDED: { value: 'included', description: 'The commit writes (or deletes) its file.' },
    UNCHANGED: {
      value: 'unchanged',
      description: 'Git already holds exactly this; the draft is cleared without a commit.',
    },
    REFUSED: { value: 'refused', description: 'It cannot be written (see reason); it stays pending.' },
    HELD_BACK: {
      value: 'held_back',
      description: 'It is in conflict with Git; the commit leaves it out until the conflict is resolved.',
    },
  } as const,
});

const FieldChangeRef = builder.objectRef<FieldDifference>('FieldChange').implement({
  description: 'One field that differs between the desired state (Git) and the draft.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSON path of the field, e.g. $.spec.ranges[0].to.' }),
    before: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value in the desired state; null when the field is absent there.',
      resolve: (change) => change.before ?? null,
    }),
    after: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The value in the draft; null when the field is absent there.',
      resolve: (change) => change.after ?? null,
    }),
  }),
});

const PendingChangeRef = builder.objectRef<PendingChange>('PendingChange').implement({
  description: 'One drafted object and what committing the drafts now does with it.',
  fields: (t) => ({
    resourceId: t.exposeID('resourceId', { description: 'The resource the draft belongs to.' }),
    kind: t.exposeString('kind', { description: 'Kind of the object, e.g. VPC.' }),
    namespace: t.exposeString('namespace', { description: 'Namespace of the object.' }),
    name: t.exposeString('name', { description: 'Name of the object.' }),
    action: t.field({
      type: PendingActionEnum,
      description: 'What the draft does to the object.',
      resolve: (change) => change.action,
    }),
    status: t.field({
      type: PendingStatusEnum,
      description: 'Whether the next commit carries the draft.',
      resolve: (change) => change.status,
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why a REFUSED or HELD_BACK draft is left out.',
    }),
    path: t.exposeString('path', { description: 'Repository path the commit writes or deletes.' }),
    previousPath: t.exposeString('previousPath', {
      nullable: true,
      description: 'Repository path the object leaves when its file moves to `path`; null otherwise.',
    }),
    fieldChanges: t.field({
      type: [FieldChangeRef],
      description: 'Per-field differences from the desired state (every top-level field for a new or deleted object).',
      resolve: (change) => change.fields,
    }),
    before: t.exposeString('before', {
      nullable: true,
      description: "Git's current text of the object's file; null when there is none.",
    }),
    after: t.exposeString('after', {
      nullable: true,
      description: 'The canonical YAML the commit writes, byte for byte; null for a delete.',
    }),
    diff: t.exposeString('diff', {
      description: 'Unified diff (git style, 3 lines of context) from `before` to `after`; empty when equal.',
    }),
    affectedSwitches: t.stringList({
      description:
        'Names of the switches whose Agents this draft alone changes (see ChangeImpact; docs/changes.md), sorted; empty for kinds no switch Agent holds.',
      resolve: (change) => change.affectedSwitches ?? [],
    }),
  }),
});

const ImpactRelationEnum = builder.enumType('ImpactRelation', {
  description: 'How a changed object reaches a switch Agent (docs/changes.md, "Impact").',
  values: Object.fromEntries(
    Object.entries(IMPACT_RELATIONS).map(([relation, meaning]) => [
      relation.replaceAll('-', '_').toUpperCase(),
      { value: relation as ImpactRelation, description: meaning },
    ]),
  ),
});

const ImpactObjectRef = builder.objectRef<ObjectRef>('ImpactObject').implement({
  description: 'An object named in an impact: kind, namespace and name.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'Kind of the object, e.g. VPCAttachment.' }),
    namespace: t.exposeString('namespace', { description: 'Namespace of the object.' }),
    name: t.exposeString('name', { description: 'Name of the object.' }),
  }),
});

const ImpactReasonRef = builder.objectRef<ImpactReason>('ImpactReason').implement({
  description: 'Why a switch is affected: which changed object reached it, and through which relation.',
  fields: (t) => ({
    object: t.field({ type: ImpactObjectRef, description: 'The changed object.', resolve: (reason) => reason.object }),
    action: t.field({
      type: PendingActionEnum,
      description: 'What happens to the changed object.',
      resolve: (reason) => reason.action,
    }),
    relation: t.field({
      type: ImpactRelationEnum,
      description: 'The relation that carried the change to the switch.',
      resolve: (reason) => reason.relation,
    }),
    via: t.field({
      type: [ImpactObjectRef],
      description:
        'Objects between the changed one and the switch, nearest first (e.g. an attachment, then its connection).',
      resolve: (reason) => reason.via,
    }),
    side: t.string({
      description: 'Whether the relation holds before the change, after it, or both: "before", "after" or "both".',
      resolve: (reason) => reason.side,
    }),
    immediate: t.exposeBoolean('immediate', {
      description:
        "True when Hedgehog's Agent controller re-enqueues the switch for this change; false when its Agent changes only at the switch's next reconcile.",
    }),
  }),
});

const AffectedSwitchRef = builder.objectRef<AffectedSwitch>('AffectedSwitch').implement({
  description: 'A switch whose Agent the change alters, with every reason.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The Switch object name.' }),
    namespace: t.exposeString('namespace', { description: 'The Switch object namespace.' }),
    removed: t.exposeBoolean('removed', {
      description: 'True when the switch no longer exists after the change: no Agent will converge.',
    }),
    reasons: t.field({ type: [ImpactReasonRef], description: 'Why it is affected.', resolve: (item) => item.reasons }),
  }),
});

const UnresolvedReferenceRef = builder.objectRef<UnresolvedReference>('UnresolvedImpactReference').implement({
  description: 'A relation the impact could not follow: a changed object (or one on its way) names a missing object.',
  fields: (t) => ({
    object: t.field({ type: ImpactObjectRef, description: 'The changed object.', resolve: (item) => item.object }),
    from: t.field({
      type: ImpactObjectRef,
      description: 'The object that names the missing one.',
      resolve: (item) => item.from,
    }),
    missing: t.field({ type: ImpactObjectRef, description: 'The missing object.', resolve: (item) => item.missing }),
    field: t.exposeString('field', { description: 'The field that names it, e.g. spec.connection.' }),
  }),
});

const ChangeImpactRef = builder.objectRef<ImpactResult>('ChangeImpact').implement({
  description:
    "Which switches a change affects, computed from the fabric's desired state by the relations Hedgehog's Agent controller follows (docs/changes.md).",
  fields: (t) => ({
    summary: t.string({
      description: 'One line for a review screen, e.g. "affects 3 switches: leaf-01, leaf-02, spine-01".',
      resolve: (impact) => describeImpact(impact),
    }),
    switches: t.field({
      type: [AffectedSwitchRef],
      description: 'The affected switches, by namespace and name.',
      resolve: (impact) => impact.switches,
    }),
    unresolved: t.field({
      type: [UnresolvedReferenceRef],
      description: 'Relations that could not be followed because an object they name is missing.',
      resolve: (impact) => impact.unresolved,
    }),
  }),
});

const PendingFilesRef = builder.objectRef<PendingChangesView['files']>('PendingFiles').implement({
  description: 'The repository paths the next commit adds, changes and deletes, each list sorted.',
  fields: (t) => ({
    added: t.exposeStringList('added', { description: 'Files the commit creates.' }),
    changed: t.exposeStringList('changed', { description: 'Files the commit rewrites.' }),
    deleted: t.exposeStringList('deleted', { description: 'Files the commit deletes.' }),
  }),
});

const PendingValidationRef = builder.objectRef<BoundedValidationResult>('PendingValidation').implement({
  description: 'The findings of the whole fabric as it will be once the drafts are committed.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid', { description: 'True when no error was found.' }),
    errors: t.field({
      type: [FindingRef],
      description: 'The first VALIDATION_MAX_FINDINGS errors; `file` is where the object will live.',
      resolve: (result) => result.errors,
    }),
    warnings: t.field({
      type: [FindingRef],
      description: 'The first VALIDATION_MAX_FINDINGS warnings.',
      resolve: (result) => result.warnings,
    }),
    errorCount: t.exposeInt('errorCount', { description: 'Every error found, also those not listed.' }),
    warningCount: t.exposeInt('warningCount', { description: 'Every warning found, also those not listed.' }),
    findingsTruncated: t.exposeBoolean('findingsTruncated', {
      description: 'True when errors or warnings list only the first VALIDATION_MAX_FINDINGS.',
    }),
  }),
});

const PendingChangesRef = builder.objectRef<PendingChangesView>('PendingChanges').implement({
  description:
    'What committing the drafts now would do, planned exactly as the push plans it: a review screen before "Commit". Changes nothing.',
  fields: (t) => ({
    fabricId: t.exposeID('fabricId', { description: 'The fabric.' }),
    branch: t.exposeString('branch', { description: 'The branch the commit goes to (empty without a repository).' }),
    viaPullRequest: t.exposeBoolean('viaPullRequest', {
      description: 'True when the commit goes to a branch of its own and a pull request proposes it.',
    }),
    baseCommit: t.exposeString('baseCommit', {
      nullable: true,
      description:
        'The commit the change is planned on. A commit pulls first: if Git moved since, it is planned on the newer head.',
    }),
    changes: t.field({
      type: [PendingChangeRef],
      description: 'Every drafted object, by kind, namespace and name.',
      resolve: (view) => view.changes,
    }),
    files: t.field({
      type: PendingFilesRef,
      description: 'The files the commit adds, changes and deletes.',
      resolve: (view) => view.files,
    }),
    validation: t.field({
      type: PendingValidationRef,
      description: 'The whole fabric with the drafts applied, validated.',
      resolve: (view) => view.validation,
    }),
    impact: t.field({
      type: ChangeImpactRef,
      description: 'The switches whose Agents the drafts the commit carries will change (held-back drafts left out).',
      resolve: (view) => view.impact,
    }),
  }),
});

builder.objectField(FabricRef, 'pendingChanges', (t) =>
  t.field({
    type: PendingChangesRef,
    description: "What committing the fabric's drafts now would change (see PendingChanges).",
    resolve: (fabric, _args, context) => context.services.pendingChanges.forFabric(fabric.id),
  }),
);

builder.queryField('pendingChanges', (t) =>
  t.field({
    type: PendingChangesRef,
    description: "What committing the fabric's drafts now would change; the same as `fabric(id:) { pendingChanges }`.",
    args: { fabricId: t.arg.id({ required: true, description: 'The fabric.' }) },
    resolve: (_root, args, context) => context.services.pendingChanges.forFabric(String(args.fabricId)),
  }),
);

// ---------------------------------------------------------------------------------------------
// History

const GitCommitRef = builder.objectRef<CommitView>('GitCommit').implement({
  description: 'A commit of the fabric’s Git repository.',
  fields: (t) => ({
    sha: t.exposeString('oid', { description: 'The commit id.' }),
    message: t.exposeString('message', { description: 'The whole message, trailers included.' }),
    headline: t.string({
      description: 'The first line of the message.',
      resolve: (commit) => commit.message.split('\n')[0] ?? '',
    }),
    authorName: t.exposeString('authorName', { description: 'Who wrote the change.' }),
    authorEmail: t.exposeString('authorEmail', { description: "The author's e-mail address." }),
    authoredAt: t.expose('authoredAt', { type: 'DateTime', description: 'When the change was written.' }),
    committedAt: t.expose('committedAt', { type: 'DateTime', description: 'When it was committed.' }),
    gatewayOperationId: t.string({
      nullable: true,
      description: 'The `Gateway-Operation` trailer: the gateway operation that made the commit; null otherwise.',
      resolve: (commit) => commit.trailers.operationId,
    }),
    gatewayActor: t.string({
      nullable: true,
      description: 'The `Gateway-Actor` trailer: who asked the gateway for the commit; null otherwise.',
      resolve: (commit) => commit.trailers.actor,
    }),
  }),
});

const FileChangeEnum = builder.enumType('FileChangeType', {
  description: 'What a commit did to a file.',
  values: {
    ADDED: { value: 'added', description: 'The commit created the file.' },
    MODIFIED: { value: 'modified', description: 'The commit changed the file.' },
    DELETED: { value: 'deleted', description: 'The commit deleted the file.' },
  } as const,
});

const FileCommitRef = builder.objectRef<FileCommitView>('FileCommit').implement({
  description: 'A commit that touched a resource’s managed file, with what it did to the file.',
  fields: (t) => ({
    commit: t.field({ type: GitCommitRef, description: 'The commit.', resolve: (entry) => entry.commit }),
    path: t.exposeString('path', { description: 'Repository path of the file.' }),
    change: t.field({
      type: FileChangeEnum,
      description: 'What the commit did to the file (against its first parent).',
      resolve: (entry) => entry.change,
    }),
    blobOid: t.exposeString('blobOid', { nullable: true, description: 'The file’s blob after the commit.' }),
    previousBlobOid: t.exposeString('previousBlobOid', {
      nullable: true,
      description: 'The file’s blob before the commit (in its first parent).',
    }),
    diff: t.exposeString('diff', {
      description: 'Unified diff of the file in this commit (git style, 3 lines of context).',
    }),
  }),
});

type ConnectionArgs = HistoryPageArgs;

builder.objectField(ResourceRef, 'history', (t) =>
  t.connection(
    {
      type: FileCommitRef,
      description:
        'The commits that touched the resource’s managed file, newest first, from the head of the tracked branch (renames are not followed). Forward paging only: `first` from 1 to 100 (MAX_PAGE_SIZE when lower) and `after`; later pages continue the listing the first page started, even when the branch moves. INVALID_INPUT for other page arguments or a cursor not handed out here.',
      resolve: (resource, args, context) =>
        context.services.history.resourceHistory(resource.id, args as ConnectionArgs) as never,
    },
    { name: 'FileCommitConnection', description: 'A page of a file’s commits.' },
    { name: 'FileCommitEdge', description: 'A commit of a file, with its cursor.' },
  ),
);

builder.objectField(FabricRef, 'commits', (t) =>
  t.connection(
    {
      type: GitCommitRef,
      description:
        'The commits that changed the fabric’s GitOps directory, newest first, from the head of the tracked branch. Paged as Resource.history.',
      resolve: (fabric, args, context) =>
        context.services.history.fabricCommits(fabric.id, args as ConnectionArgs) as never,
    },
    { name: 'GitCommitConnection', description: 'A page of commits.' },
    { name: 'GitCommitEdge', description: 'A commit, with its cursor.' },
  ),
);

builder.mutationField('revertResource', (t) =>
  t.field({
    type: ResourceRef,
    nullable: true,
    description: mutationDescription(
      'revertResource',
      'Records a draft that restores the object as it was at `commit` (a commit of the fabric’s repository, usually one from `Resource.history`): an update draft with the object from that commit’s file, validated like any draft, or a delete draft when the file did not exist there. Nothing reaches Git until the drafts are committed. Returns null when the object only existed as a draft and is gone. INVALID_INPUT: not a full commit sha, the object is not in its file at that commit, the restored object fails validation (with every finding), or the fabric has no Git repository. NOT_FOUND: no such resource, or a commit the repository does not have.',
      ['INVALID_INPUT', 'NOT_FOUND'],
    ),
    args: {
      id: t.arg.id({ required: true, description: 'The resource.' }),
      commit: t.arg.string({ required: true, description: 'Full sha of the commit to restore the object from.' }),
    },
    resolve: (_root, args, context) =>
      context.services.history.revertResource(String(args.id), args.commit, context.actor),
  }),
);
