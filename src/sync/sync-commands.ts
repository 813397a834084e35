/**
 * What the API can ask of the sync: start a pull/push/bidirectional run, commit the drafts,
 * resolve a conflict. Each records an operation and returns it at once (pending); the work runs
 * on the fabric's queue. Cancelling any operation is the operations service's (`cancel`).
 */
import { DomainError } from '../errors.ts';
import type { FabricService } from '../fabric/fabric.service.ts';
import type { GitRepositoryService } from '../fabric/git-repository.service.ts';
import type { SyncOperation } from '../operations/sync-operation.entity.ts';
import type { SyncOperationService } from '../operations/sync-operation.service.ts';
import { checkManifestShape, invalidManifest } from '../resource/manifest-input.ts';
import { requireOneValidObject } from '../resource/manifest-validation.ts';
import type { ResourceService } from '../resource/resource.service.ts';
import { RESOLUTION_STRATEGIES, type ResolutionStrategy } from './conflict-resolution.ts';
import { requireFabricRepository } from '../fabric/fabric-git.ts';

export const SYNC_DIRECTIONS = ['PULL', 'PUSH', 'BIDIRECTIONAL'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

/** The services of the unit of work the commands run in. */
export interface SyncCommandsDependencies {
  fabrics: FabricService;
  gitRepositories: GitRepositoryService;
  resources: ResourceService;
  operations: SyncOperationService;
}

export class SyncCommands {
  constructor(private readonly services: SyncCommandsDependencies) {}

  async start(input: {
    fabricId: string;
    direction: SyncDirection;
    actor: string;
    trigger?: SyncOperation['trigger'];
    details?: Record<string, unknown>;
    /** Compare the whole directory with the database instead of the diff since the last pull (repairs any difference). */
    fullListing?: boolean;
  }): Promise<SyncOperation> {
    const fabric = await this.requireGitFabric(input.fabricId);
    const type = input.direction === 'PULL' ? 'pull' : input.direction === 'PUSH' ? 'push' : 'bidirectional';
    const details = { ...input.details, ...(input.fullListing ? { fullListing: true } : {}) };
    return this.services.operations.launch({
      fabricId: fabric.id,
      type,
      trigger: input.trigger ?? 'api',
      initiatedBy: input.actor,
      details,
      // Pulls collapse while queued (a full one only with another full one); a push carries its
      // actor and is never merged with another.
      ...(type === 'pull' ? { jobKey: `${input.fullListing ? 'pull-full' : 'pull'}:${fabric.id}` } : {}),
    });
  }

  async commit(input: { fabricId: string; message: string; actor: string }): Promise<SyncOperation> {
    const fabric = await this.requireGitFabric(input.fabricId);
    const message = input.message.trim();
    if (message.length === 0 || message.length > 10_000) {
      throw new DomainError('INVALID_INPUT', 'The commit message must have 1 to 10,000 characters', {
        problems: [{ path: '$.message', message: 'length out of range' }],
      });
    }
    return this.services.operations.launch({
      fabricId: fabric.id,
      type: 'push',
      initiatedBy: input.actor,
      details: { message },
    });
  }

  async resolveConflict(input: {
    resourceId: string;
    strategy: ResolutionStrategy;
    merged?: unknown;
    actor: string;
  }): Promise<SyncOperation> {
    if (!RESOLUTION_STRATEGIES.includes(input.strategy))
      throw new DomainError('INVALID_INPUT', `Unknown strategy ${JSON.stringify(input.strategy)}`);
    const resource = await this.services.resources.get(input.resourceId);
    if (resource.conflictStatus !== 'detected' && resource.conflictStatus !== 'resolving') {
      throw new DomainError(
        'INVALID_INPUT',
        `${resource.kind} ${resource.name} has no conflict to resolve (status ${resource.conflictStatus})`,
      );
    }
    let merged: unknown;
    if (input.strategy === 'MERGE') {
      if (input.merged === undefined || input.merged === null) {
        throw new DomainError('INVALID_INPUT', 'MERGE needs the merged manifest', {
          problems: [{ path: '$.merged', message: 'required for MERGE' }],
        });
      }
      const manifest = checkManifestShape(input.merged);
      const namespace = manifest.metadata.namespace ?? 'default';
      if (
        manifest.kind !== resource.kind ||
        manifest.metadata.name !== resource.name ||
        namespace !== resource.namespace
      ) {
        throw invalidManifest([
          {
            path: '$.metadata.name',
            message: `the merged manifest must describe ${resource.kind} ${resource.namespace}/${resource.name}`,
          },
        ]);
      }
      // Checked as the fabric would hold it (its desired state with the other drafts applied, and
      // its validation settings), exactly like a draft edit; stored in canonical form.
      merged = requireOneValidObject(
        await this.services.resources.validate(resource.fabric.id, { object: manifest }),
      ).object;
    } else if (input.merged !== undefined && input.merged !== null) {
      throw new DomainError('INVALID_INPUT', `merged is only read by the MERGE strategy`, {
        problems: [{ path: '$.merged', message: 'only for MERGE' }],
      });
    }
    return this.services.operations.launch({
      fabricId: resource.fabric.id,
      type: 'conflict_resolution',
      initiatedBy: input.actor,
      details: { resourceId: resource.id, strategy: input.strategy, ...(merged ? { merged } : {}) },
    });
  }

  private async requireGitFabric(fabricId: string) {
    return (await requireFabricRepository(this.services, fabricId)).fabric;
  }
}
