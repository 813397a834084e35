/**
 * What the API can ask of the sync: start a pull/push/bidirectional run, commit the drafts,
 * resolve a conflict, cancel an operation. Each records an operation and returns it at once
 * (pending); the work runs on the fabric's queue.
 */
import { DomainError } from '../errors.ts';
import { checkManifestShape, invalidManifest } from '../resource/manifest-input.ts';
import { requireOneValidObject } from '../resource/manifest-validation.ts';
import type { ServiceDependencies, Services } from '../services.ts';
import { RESOLUTION_STRATEGIES, type ResolutionStrategy } from './conflict-resolution.ts';
import { launchOperation } from './launch-operation.ts';
import type { SyncOperation } from './sync-operation.entity.ts';
import { requireFabricRepository } from '../fabric/fabric-git.ts';

export const SYNC_DIRECTIONS = ['PULL', 'PUSH', 'BIDIRECTIONAL'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

/** Cancel requests reach the running handler here, on whichever replica runs it (see sync-handlers.ts). */
export const cancelTopic = (operationId: string) => `sync-cancel:${operationId}`;

async function requireGitFabric(services: Services, fabricId: string) {
  return (await requireFabricRepository(services, fabricId)).fabric;
}

export async function startSync(
  deps: ServiceDependencies,
  services: Services,
  input: {
    fabricId: string; direction: SyncDirection; actor: string; trigger?: SyncOperation['trigger']; details?: Record<string, unknown>;
    /** Compare the whole directory with the database instead of the diff since the last pull (repairs any difference). */
    fullListing?: boolean;
  },
): Promise<SyncOperation> {
  const fabric = await requireGitFabric(services, input.fabricId);
  const type = input.direction === 'PULL' ? 'pull' : input.direction === 'PUSH' ? 'push' : 'bidirectional';
  const details = { ...input.details, ...(input.fullListing ? { fullListing: true } : {}) };
  return launchOperation(deps, services, {
    fabricId: fabric.id, type, trigger: input.trigger ?? 'api', initiatedBy: input.actor, details,
    // Pulls collapse while queued (a full one only with another full one); a push carries its
    // actor and is never merged with another.
    ...(type === 'pull' ? { jobKey: `${input.fullListing ? 'pull-full' : 'pull'}:${fabric.id}` } : {}),
  });
}

export async function commitChanges(deps: ServiceDependencies, services: Services, input: { fabricId: string; message: string; actor: string }): Promise<SyncOperation> {
  const fabric = await requireGitFabric(services, input.fabricId);
  const message = input.message.trim();
  if (message.length === 0 || message.length > 10_000) {
    throw new DomainError('INVALID_INPUT', 'The commit message must have 1 to 10,000 characters', { problems: [{ path: '$.message', message: 'length out of range' }] });
  }
  return launchOperation(deps, services, { fabricId: fabric.id, type: 'push', initiatedBy: input.actor, details: { message } });
}

export async function resolveConflict(
  deps: ServiceDependencies,
  services: Services,
  input: { resourceId: string; strategy: ResolutionStrategy; merged?: unknown; actor: string },
): Promise<SyncOperation> {
  if (!RESOLUTION_STRATEGIES.includes(input.strategy)) throw new DomainError('INVALID_INPUT', `Unknown strategy ${JSON.stringify(input.strategy)}`);
  const resource = await services.resources.get(input.resourceId);
  if (resource.conflictStatus !== 'detected' && resource.conflictStatus !== 'resolving') {
    throw new DomainError('INVALID_INPUT', `${resource.kind} ${resource.name} has no conflict to resolve (status ${resource.conflictStatus})`);
  }
  let merged: unknown;
  if (input.strategy === 'MERGE') {
    if (input.merged === undefined || input.merged === null) {
      throw new DomainError('INVALID_INPUT', 'MERGE needs the merged manifest', { problems: [{ path: '$.merged', message: 'required for MERGE' }] });
    }
    const manifest = checkManifestShape(input.merged);
    const namespace = manifest.metadata.namespace ?? 'default';
    if (manifest.kind !== resource.kind || manifest.metadata.name !== resource.name || namespace !== resource.namespace) {
      throw invalidManifest([{ path: '$.metadata.name', message: `the merged manifest must describe ${resource.kind} ${resource.namespace}/${resource.name}` }]);
    }
    // Checked as the fabric would hold it (its desired state with the other drafts applied, and
    // its validation settings), exactly like a draft edit; stored in canonical form.
    merged = requireOneValidObject(await services.resources.validate(resource.fabric.id, { object: manifest })).object;
  } else if (input.merged !== undefined && input.merged !== null) {
    throw new DomainError('INVALID_INPUT', `merged is only read by the MERGE strategy`, { problems: [{ path: '$.merged', message: 'only for MERGE' }] });
  }
  return launchOperation(deps, services, {
    fabricId: resource.fabric.id, type: 'conflict_resolution', initiatedBy: input.actor,
    details: { resourceId: resource.id, strategy: input.strategy, ...(merged ? { merged } : {}) },
  });
}

/**
 * A queued operation is cancelled at once; a running one stops at its next step boundary (its
 * writes happen in one flush after the last boundary, so nothing is half-written).
 */
export async function cancelOperation(deps: ServiceDependencies, services: Services, input: { operationId: string; actor: string }): Promise<SyncOperation> {
  const operation = await services.operations.get(input.operationId);
  if (operation.status === 'pending') {
    const cancelled = await services.operations.transition(
      operation, 'pending', { status: 'cancelled', completedAt: new Date(), errorMessage: 'cancelled' },
      [{ level: 'warning', message: `cancelled by ${input.actor} before it started` }],
    );
    if (cancelled) return operation;
    // It started meanwhile (here or on another replica): cancel it as a running one.
  }
  if (operation.status === 'in_progress' && (await services.operations.requestCancel(operation, input.actor))) {
    // The replica running it (this one or another, through the event bus) stops at its next step boundary.
    deps.eventBus.publish(cancelTopic(operation.id), { by: input.actor });
    return operation;
  }
  throw new DomainError('INVALID_INPUT', `The operation has already ${operation.status === 'completed' ? 'completed' : 'ended'} (${operation.status})`);
}

