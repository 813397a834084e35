/**
 * What "Commit" would do now, for a review screen: the drafts planned exactly as a push plans
 * them (`pending-changes.ts` over `plan-push.ts`), against the same base (the desired state the
 * database last pulled, or the push branch when changes go through a pull request), with Git's
 * current text of every file a draft touches (one batched blob read), and the findings of the
 * whole fabric with the drafts applied. Changes nothing.
 *
 * A push pulls first: when Git moved since the last pull, the commit is planned against the new
 * head, which this view (made without pulling) does not know about yet.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { openRepositoryGit } from '../fabric/fabric-git.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import type { GitRepositoryService } from '../fabric/git-repository.service.ts';
import type { Fabric } from '../fabric/fabric.entity.ts';
import type { GitHost, OpenGitHost } from '../git/git-host.ts';
import { toFabricPath, toRepositoryPath } from '../gitops/fabric-paths.ts';
import { managedFilePath, type HedgehogObject } from '../hedgehog/canonical.ts';
import type { FabricConfig } from '../hedgehog/fabric-config.ts';
import type { BoundedValidationResult, ManifestValidator } from '../manifest-validator/manifest-validator.ts';
import { ResourceSchema, type Resource } from '../resource/resource.entity.ts';
import { desiredFiles, desiredObjects, effectiveObjectsOf } from '../resource/resource.repository.ts';
import type { ImpactResult } from '../hedgehog/impact.ts';
import {
  describePendingChanges,
  draftImpact,
  gitReadsFor,
  type PendingChanges,
  type PendingDraft,
} from './pending-changes.ts';
import { pushTarget, toPushDraft } from './push.ts';

export interface PendingChangesView extends PendingChanges {
  fabricId: string;
  /** The branch the commit goes to. */
  branch: string;
  /** True when the commit goes to a branch of its own and a pull request proposes it. */
  viaPullRequest: boolean;
  /** The commit the change is planned on (null: none yet, an empty repository or no pull so far). */
  baseCommit: string | null;
  /** The whole fabric as it will be once the drafts land, validated. */
  validation: BoundedValidationResult;
  /** The switches whose Agents the carried drafts change, with the reasons. */
  impact: ImpactResult;
}

export interface PendingChangesDependencies {
  em: EntityManager;
  fabrics: FabricService;
  gitRepositories: GitRepositoryService;
  validator: ManifestValidator;
  openGitHost: OpenGitHost;
}

export class PendingChangesService {
  constructor(private readonly deps: PendingChangesDependencies) {}

  async forFabric(fabricId: string): Promise<PendingChangesView> {
    const fabric = await this.deps.fabrics.get(fabricId);
    // Apart from the unit of work: the rows are read, never changed, here. Only the drafted rows
    // are read whole; the rest of the fabric comes as plain objects of the columns each step needs
    // (a whole fabric of entities, live state included, held several times what the view uses).
    const draftRows = await this.deps.em.find(
      ResourceSchema,
      { fabric: fabric.id, draftAction: { $ne: null } },
      { orderBy: { kind: 'asc', namespace: 'asc', name: 'asc' }, disableIdentityMap: true },
    );
    const drafts = draftRows.map(pendingDraftOf);
    const desired = await desiredFiles(this.deps.em, fabric.id);
    const repository = fabric.gitRepository ? await this.deps.gitRepositories.get(fabric.gitRepository.id) : null;
    const target = repository ? pushTarget(repository, fabric) : { branch: '', viaPullRequest: false };

    let base = { headOid: fabric.lastPulledCommit ?? null, files: desired.files as ReadonlyMap<string, string> };
    let texts = new Map<string, string>();
    if (repository && drafts.length > 0) {
      const git = await openRepositoryGit(this.deps, repository, { fabricId: fabric.id, operationId: 'pending' });
      try {
        if (target.viaPullRequest) base = await pushBranchBase(git.host, target.branch, git.branch, fabric);
        const input = { drafts, desired: base.files, objectsPerFile: desired.objectsPerFile, ...planContext(fabric) };
        const oids = gitReadsFor(input);
        if (oids.length > 0) {
          const blobs = await git.host.readBlobs(oids);
          texts = new Map([...blobs].map(([oid, bytes]) => [oid, Buffer.from(bytes).toString('utf8')]));
        }
      } finally {
        await git.close();
      }
    }
    const described = describePendingChanges(
      { drafts, desired: base.files, objectsPerFile: desired.objectsPerFile, ...planContext(fabric) },
      texts,
    );
    const { impact, switchesByResource } = draftImpact(await desiredObjects(this.deps.em, fabric.id), drafts);
    for (const change of described.changes) change.affectedSwitches = switchesByResource.get(change.resourceId) ?? [];
    return {
      fabricId: fabric.id,
      branch: target.branch,
      viaPullRequest: target.viaPullRequest,
      baseCommit: base.headOid,
      ...described,
      validation: await this.validateFabric(fabric),
      impact,
    };
  }

  /** Every object of the fabric with the drafts applied, each named by the file it will live in. */
  private async validateFabric(fabric: Fabric): Promise<BoundedValidationResult> {
    const effective = await effectiveObjectsOf(this.deps.em, fabric.id);
    // In the order the findings were always reported in (kind, namespace, name).
    effective.sort(byIdentity);
    const objects = effective.map((object) => ({
      object,
      file: toRepositoryPath(fabric.gitopsDirectory, managedFilePath(object as HedgehogObject)),
    }));
    return this.deps.validator.validate({
      objects,
      existing: [],
      fabricConfig: fabric.validationSettings as Partial<FabricConfig>,
    });
  }
}

function byIdentity(a: HedgehogObject, b: HedgehogObject): number {
  return (
    compareText(a.kind, b.kind) ||
    compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareText(a.metadata.name, b.metadata.name)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function planContext(fabric: Fabric) {
  return { directory: fabric.gitopsDirectory, fabricName: fabric.name };
}

/** The object as Git has it (the desired state); null when Git has none. */
function desiredObjectOf(row: Resource): HedgehogObject | null {
  return row.desiredSpec == null
    ? null
    : {
        apiVersion: row.apiVersion,
        kind: row.kind,
        metadata: {
          name: row.name,
          namespace: row.namespace,
          ...(row.desiredLabels && Object.keys(row.desiredLabels).length > 0 ? { labels: row.desiredLabels } : {}),
          ...(row.desiredAnnotations && Object.keys(row.desiredAnnotations).length > 0
            ? { annotations: row.desiredAnnotations }
            : {}),
        },
        spec: row.desiredSpec,
      };
}

function pendingDraftOf(row: Resource): PendingDraft {
  const desired = desiredObjectOf(row);
  const inConflict = row.conflictStatus === 'detected' || row.conflictStatus === 'resolving';
  return {
    ...toPushDraft(row),
    desired,
    heldBack: inConflict ? `in conflict with Git (${row.conflictStatus}); resolve it first` : null,
  };
}

/** What the push branch holds (the default branch's head when it does not exist yet), as the push plans against. */
async function pushBranchBase(
  host: GitHost,
  branch: string,
  defaultBranch: string,
  fabric: Fabric,
): Promise<{ headOid: string | null; files: ReadonlyMap<string, string> }> {
  const headOid = (await host.getBranchHead(branch)) ?? (await host.getBranchHead(defaultBranch));
  const files = new Map<string, string>();
  if (headOid === null) return { headOid, files };
  for (const entry of await host.readTree(headOid, fabric.gitopsDirectory)) {
    const path = toFabricPath(fabric.gitopsDirectory, entry.path);
    if (path !== null) files.set(path, entry.oid);
  }
  return { headOid, files };
}
