import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { KeysetList } from '../db/keyset-page.ts';
import { FabricScope } from '../auth/fabric-scope.ts';
import type { Page } from '../db/page.ts';
import { DomainError, notFound } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { publishFabricEvent } from '../events/fabric-events.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { FabricConfig } from '../hedgehog/fabric-config.ts';
import type { ValidatedObject } from '../hedgehog/validate.ts';
import { parseManifests } from '../hedgehog/manifests.ts';
import { unstorableCharacter } from '../hedgehog/storable-text.ts';
import { checkManifestShape, parseSingleManifest, type ManifestObject } from './manifest-input.ts';
import {
  SMALL_YAML_BYTES,
  type BoundedValidationResult,
  type ManifestValidator,
} from '../manifest-validator/manifest-validator.ts';
import { requireOneValidObject } from './manifest-validation.ts';
import { ResourceSchema, type Resource } from './resource.entity.ts';
import { clearDraft, editableStateOf, hasDesiredOrLive, setDraft } from './resource-state.ts';
import {
  countResources,
  effectiveObjectsFor,
  effectiveObjectsOf,
  escapeLike,
  resourcePage,
  resourcePageCounted,
  resourceRow,
  type Connection,
  type ResourceListFilter,
} from './resource.repository.ts';

/** Which resources of a fabric a list shows (the repository's filter, with the entity's status types). */
export interface ResourceFilter extends ResourceListFilter {
  conflictStatus?: Resource['conflictStatus'] | null;
  driftStatus?: Resource['driftStatus'] | null;
}

/** One API edit: YAML text or an already structured object, never both. */
export type ManifestInput = { yaml: string; object?: undefined } | { object: unknown; yaml?: undefined };

/**
 * The objects of an input as written, to scope its validation by (see `ResourceService.validate`):
 * undefined for YAML above SMALL_YAML_BYTES, which only a worker thread parses.
 */
function objectsToScope(input: ManifestInput, parsed: ManifestObject | undefined): unknown[] | undefined {
  if (parsed !== undefined) return [parsed];
  if (input.yaml === undefined) return [input.object];
  if (Buffer.byteLength(input.yaml, 'utf8') > SMALL_YAML_BYTES) return undefined;
  return parseManifests(input.yaml).documents.map((document) => document.object);
}

export interface Actor {
  name: string;
}

export class ResourceService {
  readonly #scope: FabricScope;

  constructor(
    private readonly deps: {
      em: EntityManager;
      /** The database connection, for reads that need no unit of work (default: `em`'s). */
      connection?: () => Connection;
      eventBus: EventBus;
      maxYamlBytes: number;
      validator: ManifestValidator;
      scope?: FabricScope;
    },
  ) {
    this.#scope = deps.scope ?? FabricScope.unlimited;
  }

  async list(filter: ResourceFilter, page: Page): Promise<{ items: Resource[]; totalCount: number }> {
    await this.requireFabric(filter.fabricId);
    // Text the database cannot store (U+0000, lone surrogates) matches no stored row.
    const texts = [filter.kind, filter.namespace, filter.search, filter.name];
    if (texts.some((text) => text != null && unstorableCharacter(text) !== null)) return { items: [], totalCount: 0 };
    const where: FilterQuery<Resource> = { fabric: filter.fabricId };
    if (filter.kind) where.kind = filter.kind;
    if (filter.namespace) where.namespace = filter.namespace;
    if (filter.search) where.name = { $ilike: `%${escapeLike(filter.search)}%` };
    if (filter.name != null) {
      where.name = filter.search ? { $eq: filter.name, $ilike: `%${escapeLike(filter.search)}%` } : filter.name;
    }
    if (filter.hasDraft === true) where.draftAction = { $ne: null };
    if (filter.hasDraft === false) where.draftAction = null;
    if (filter.conflictStatus) where.conflictStatus = filter.conflictStatus;
    if (filter.driftStatus) where.driftStatus = filter.driftStatus;
    const [items, totalCount] = await this.deps.em.findAndCount(ResourceSchema, where, {
      orderBy: { kind: 'asc', namespace: 'asc', name: 'asc', id: 'asc' },
      limit: page.limit,
      offset: page.offset,
    });
    return { items, totalCount };
  }

  /**
   * The resources of a fabric matching the filter, paged by key in (kind, namespace, name) order
   * (the API's `resources` connection). Rows are plain (see `resourcePage`), with the columns the
   * given GraphQL node fields need (all of them when `fields` is null).
   */
  pages(filter: ResourceFilter, fields: ReadonlySet<string> | null): KeysetList<Resource> {
    const fabricId = this.#scope.requireFabricId(filter.fabricId);
    const where = { ...filter, fabricId };
    return {
      name: 'resources',
      scope: fabricId,
      keyCheck: [(kind) => kind.length <= 128, (namespace) => namespace.length <= 253, (name) => name.length <= 253],
      keyOf: (row) => [row.kind, row.namespace, row.name],
      read: async (page) => {
        const rows = await resourcePage(this.deps.em, where, page, fields);
        // An empty page may be a fabric that does not exist: asked only then, not on every page.
        if (rows.length === 0) await this.requireFabric(fabricId);
        return rows;
      },
      count: () => countResources(this.deps.em, where),
      readCounted: async (page) => {
        const read = await resourcePageCounted(this.deps.em, where, page, fields);
        if (read.total === 0) await this.requireFabric(fabricId);
        return read;
      },
    };
  }

  /** One resource as a plain row with the columns the given GraphQL fields need (the API's `resource(id)`). */
  async view(id: string, fields: ReadonlySet<string> | null): Promise<Resource> {
    const connection = this.deps.connection?.() ?? this.deps.em.getConnection();
    const row = await resourceRow(connection, this.#scope.requireId('Resource', id), fields);
    return this.#scope.require('Resource', id, row, (found) => found.fabric.id);
  }

  async get(id: string): Promise<Resource> {
    const resource = await this.deps.em.findOne(ResourceSchema, { id: this.#scope.requireId('Resource', id) });
    return this.#scope.require('Resource', id, resource, (row) => row.fabric.id);
  }

  /**
   * The object of the fabric with this kind, namespace and name (its identity in Kubernetes);
   * NOT_FOUND when the fabric has none.
   */
  async getByName(identity: { fabricId: string; kind: string; namespace: string; name: string }): Promise<Resource> {
    await this.requireFabric(identity.fabricId);
    const { kind, namespace, name } = identity;
    const label = `${kind} ${namespace}/${name}`;
    // Text the database cannot store (U+0000, lone surrogates) names no stored row.
    const storable = [kind, namespace, name].every((text) => unstorableCharacter(text) === null);
    const resource = storable
      ? await this.deps.em.findOne(ResourceSchema, { fabric: identity.fabricId, kind, namespace, name })
      : null;
    if (!resource) throw notFound('Resource', label);
    return resource;
  }

  /** Records a draft for a new object. Refused when the object already exists in Git or as a draft. */
  async createDraft(fabricId: string, input: ManifestInput, actor: Actor): Promise<Resource> {
    await this.requireFabric(fabricId);
    const parsed = this.parse(input);
    const manifest = await this.validatedManifest(fabricId, input, parsed);
    const identity = identityOf(manifest);
    const existing = await this.deps.em.findOne(ResourceSchema, { fabric: fabricId, ...identity });
    if (existing && (existing.desiredSpec != null || existing.draftAction === 'upsert')) {
      throw new DomainError(
        'DUPLICATE',
        `${identity.kind} ${identity.namespace}/${identity.name} already exists in fabric; use updateResource`,
        { resourceId: existing.id },
      );
    }
    const resource =
      existing ??
      this.deps.em.create(ResourceSchema, { fabric: fabricId, ...identity, apiVersion: manifest.apiVersion } as never);
    this.applyDraft(resource, manifest, actor);
    await this.deps.em.flush();
    this.publishDraftChange(resource, 'upsert', actor);
    return resource;
  }

  /** Records a draft that changes an existing object; kind, namespace and name cannot change. */
  async updateDraft(id: string, input: ManifestInput, actor: Actor): Promise<Resource> {
    const resource = await this.get(id);
    const parsed = this.parse(input);
    const identity = identityOf(parsed);
    if (
      identity.kind !== resource.kind ||
      identity.namespace !== resource.namespace ||
      identity.name !== resource.name
    ) {
      throw new DomainError(
        'INVALID_INPUT',
        `The manifest describes ${identity.kind} ${identity.namespace}/${identity.name}, not ${resource.kind} ${resource.namespace}/${resource.name}; renaming is a delete plus a create`,
        { problems: [{ path: '$.metadata.name', message: 'does not match the resource being updated' }] },
      );
    }
    const manifest = await this.validatedManifest(resource.fabric.id, input, parsed);
    this.applyDraft(resource, manifest, actor);
    await this.deps.em.flush();
    this.publishDraftChange(resource, 'upsert', actor);
    return resource;
  }

  /**
   * Records the deletion as a draft. A resource that only ever existed as a draft is simply
   * removed, since nothing in Git or the cluster needs to change.
   */
  async deleteDraft(id: string, actor: Actor): Promise<Resource | null> {
    const resource = await this.get(id);
    if (!hasDesiredOrLive(resource)) {
      await this.deps.em.remove(resource).flush();
      this.publishDraftChange(resource, 'discard', actor);
      return null;
    }
    setDraft(resource, null, actor.name, new Date());
    await this.deps.em.flush();
    this.publishDraftChange(resource, 'delete', actor);
    return resource;
  }

  /** Drops a pending draft (and a conflict about it); the row goes when no other state remains. */
  async discardDraft(id: string, actor: Actor): Promise<Resource | null> {
    const resource = await this.get(id);
    if (resource.draftAction == null) throw new DomainError('INVALID_INPUT', 'The resource has no draft to discard');
    if (!hasDesiredOrLive(resource)) {
      await this.deps.em.remove(resource).flush();
      this.publishDraftChange(resource, 'discard', actor);
      return null;
    }
    clearDraft(resource);
    await this.deps.em.flush();
    this.publishDraftChange(resource, 'discard', actor);
    return resource;
  }

  /**
   * Checks a manifest as the fabric would see it with every pending draft applied (or on its own
   * when no fabric is named). Changes nothing; `validateManifests` answers with this.
   *
   * The fabric is read as far as the input can reach (hedgehog/validation-scope.ts: the same
   * findings as against the whole fabric): for an object, `parsed` (a draft's manifest, parsed
   * before) or YAML of at most SMALL_YAML_BYTES, parsed here to know its objects (the validator
   * parses YAML that small on this thread too). Larger YAML goes to a worker thread unparsed,
   * and the whole fabric is read for it.
   */
  async validate(
    fabricId: string | null,
    input: ManifestInput,
    parsed?: ManifestObject,
  ): Promise<BoundedValidationResult> {
    const manifest = input.yaml !== undefined ? { yaml: input.yaml } : { object: input.object };
    if (fabricId === null) return this.deps.validator.validate({ ...manifest, existing: [] });
    this.#scope.requireFabricId(fabricId);
    const known = objectsToScope(input, parsed);
    const [existing, fabric] = await Promise.all([
      known === undefined
        ? effectiveObjectsOf(this.deps.em, fabricId)
        : effectiveObjectsFor(this.deps.em, fabricId, known),
      // Apart from the unit of work: a partly loaded Fabric there would answer later reads without its other fields.
      this.deps.em.findOneOrFail(
        FabricSchema,
        { id: fabricId },
        { fields: ['validationSettings'], disableIdentityMap: true },
      ),
    ]);
    return this.deps.validator.validate({
      ...manifest,
      existing,
      fabricConfig: fabric.validationSettings as Partial<FabricConfig>,
    });
  }

  /**
   * The canonical object (what will be written to Git) of an input whose shape `parse` has
   * already accepted; refused with every finding otherwise.
   */
  private async validatedManifest(
    fabricId: string,
    input: ManifestInput,
    parsed: ManifestObject,
  ): Promise<ManifestObject> {
    const validated: ValidatedObject = requireOneValidObject(await this.validate(fabricId, input, parsed));
    return validated.object as ManifestObject;
  }

  private parse(input: ManifestInput): ManifestObject {
    if ((input.yaml === undefined) === (input.object === undefined)) {
      throw new DomainError('INVALID_INPUT', 'Give the manifest either as yaml or as object, exactly one of them');
    }
    return input.yaml !== undefined
      ? parseSingleManifest(input.yaml, { maxBytes: this.deps.maxYamlBytes })
      : checkManifestShape(input.object);
  }

  private applyDraft(resource: Resource, manifest: ManifestObject, actor: Actor): void {
    setDraft(resource, editableStateOf(manifest), actor.name, new Date());
  }

  private publishDraftChange(resource: Resource, action: 'upsert' | 'delete' | 'discard', actor: Actor): void {
    publishFabricEvent(this.deps.eventBus, resource.fabric.id, {
      type: 'DRAFT_CHANGED',
      resourceId: resource.id,
      kind: resource.kind,
      name: resource.name,
      action,
      actor: actor.name,
    });
  }

  private async requireFabric(fabricId: string): Promise<void> {
    const count = await this.deps.em.count(FabricSchema, { id: this.#scope.requireFabricId(fabricId) });
    if (count === 0) throw notFound('Fabric', fabricId);
  }
}

function identityOf(manifest: ManifestObject) {
  return { kind: manifest.kind, namespace: manifest.metadata.namespace ?? 'default', name: manifest.metadata.name };
}
