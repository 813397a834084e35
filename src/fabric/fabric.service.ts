import {
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
  type EntityManager,
} from '@mikro-orm/postgresql';
import { z } from 'zod';
import { serverProblem, type GatewayAddress } from '../cluster/cluster-server.ts';
import { describeProblems, parseKubeconfig } from '../cluster/kubeconfig.ts';
import { FabricScope } from '../auth/fabric-scope.ts';
import { DomainError, notFound, requireId } from '../errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { parseInput } from '../validation.ts';
import { FABRIC_STATUSES, FabricSchema, type Fabric } from './fabric.entity.ts';
import { GitRepositorySchema } from './git-repository.entity.ts';
import { fabricConfigSettingsSchema } from '../hedgehog/fabric-config.ts';

/**
 * A GitOps directory is a relative path inside the repository: no leading slash, no `.` or `..`
 * segments, no control characters. Stored without surrounding slashes.
 */
const GitopsDirectorySchema = z
  .string()
  .trim()
  .max(1024)
  .transform((value) => value.replace(/^\/+|\/+$/g, ''))
  .refine((value) => value.length > 0, 'must not be empty (use a folder name such as "fabric")')
  .refine(
    (value) => !value.split('/').some((segment) => segment === '..' || segment === '.' || segment === ''),
    'must not contain empty, "." or ".." segments',
  )
  .refine((value) => !/[\u0000-\u001f\u007f\\]/.test(value), 'must not contain control characters or backslashes');

const KubernetesSchema = z
  .object({
    kubeconfig: z.string().min(1).max(1_048_576).optional(),
    server: z.string().url().max(2048).optional(),
    token: z.string().min(1).max(65_536).optional(),
    caData: z.string().min(1).max(65_536).optional(),
    namespaces: z
      .array(
        z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
          .max(63),
      )
      .max(100)
      .optional(),
  })
  .strict()
  .refine((k) => !(k.kubeconfig && k.token), { message: 'give either kubeconfig or server + token, not both' })
  .refine((k) => !k.token || k.server, { message: 'a token needs a server', path: ['server'] });

const FabricFields = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes (a DNS label)'),
  description: z.string().max(10_000),
  status: z.enum(FABRIC_STATUSES),
  gitRepositoryId: z.string().uuid().nullable(),
  gitopsDirectory: GitopsDirectorySchema,
  kubernetes: KubernetesSchema.nullable(),
  pullIntervalSeconds: z.number().int().min(10).max(86_400),
  autoCommitEnabled: z.boolean(),
  autoCommitQuietSeconds: z.number().int().min(1).max(86_400),
  /** Seconds a change may take to apply, then to converge, before it is STALLED (docs/changes.md). */
  changeStallSeconds: z.number().int().min(10).max(604_800),
  validationSettings: fabricConfigSettingsSchema,
};

const CreateFabricSchema = z.object(FabricFields).partial().required({ name: true }).strict();
const UpdateFabricSchema = z.object(FabricFields).partial().strict();

export type CreateFabricInput = z.input<typeof CreateFabricSchema>;
export type UpdateFabricInput = z.input<typeof UpdateFabricSchema>;
export type KubernetesCredentials = { kubeconfig: string } | { token: string; caData?: string };

/** Reported after a committed change (the cluster watchers follow fabrics with it). */
export interface FabricChangeNotice {
  type: 'created' | 'updated' | 'deleted';
  fabricId: string;
  /** The cluster connection was set, changed or removed. */
  clusterChanged: boolean;
}

export class FabricService {
  readonly #scope: FabricScope;

  constructor(
    private readonly deps: {
      em: EntityManager;
      secretBox: SecretBox;
      scope?: FabricScope;
      /** Where this gateway listens: a cluster server may not point back at it. */
      gatewayAddress?: GatewayAddress | undefined;
      onChange?: (change: FabricChangeNotice) => Promise<void> | void;
    },
  ) {
    this.#scope = deps.scope ?? FabricScope.unlimited;
  }

  /** The fabrics in scope, by name. */
  async list(): Promise<Fabric[]> {
    const inScope = this.#scope.fabricIds;
    return this.deps.em.find(FabricSchema, inScope ? { id: { $in: inScope } } : {}, { orderBy: { name: 'asc' } });
  }

  async get(id: string): Promise<Fabric> {
    const fabric = await this.deps.em.findOne(FabricSchema, { id: this.#scope.requireFabricId(id) });
    return this.#scope.require('Fabric', id, fabric, (row) => row.id);
  }

  /** Many fabrics in one statement, by id; those out of scope are absent. */
  async getMany(ids: readonly string[]): Promise<Map<string, Fabric>> {
    const fabrics = await this.deps.em.find(FabricSchema, { id: { $in: ids.filter((id) => this.#scope.allows(id)) } });
    return new Map(fabrics.map((fabric) => [fabric.id, fabric]));
  }

  async getByName(name: string): Promise<Fabric> {
    const fabric = await this.deps.em.findOne(FabricSchema, { name });
    if (fabric && this.#scope.allows(fabric.id)) return fabric;
    if (this.#scope.limited)
      throw new DomainError(
        'FORBIDDEN',
        `Fabric named ${JSON.stringify(name)} is not in the fabrics this token is limited to`,
        { name },
      );
    throw new DomainError('NOT_FOUND', `Fabric named ${JSON.stringify(name)} does not exist`, { name });
  }

  async create(input: CreateFabricInput): Promise<Fabric> {
    const data = parseInput(CreateFabricSchema, input, 'fabric');
    const { gitRepositoryId, kubernetes, ...fields } = data;
    const fabric = this.deps.em.create(FabricSchema, fields as never);
    await this.applyRepository(fabric, gitRepositoryId);
    this.applyKubernetes(fabric, kubernetes);
    await this.flushChecked(fabric);
    fabric.hasKubernetesCredentials = fabric.encryptedKubernetesCredentials != null;
    await this.deps.onChange?.({ type: 'created', fabricId: fabric.id, clusterChanged: kubernetes != null });
    return fabric;
  }

  async update(id: string, input: UpdateFabricInput): Promise<Fabric> {
    const data = parseInput(UpdateFabricSchema, input, 'fabric');
    const fabric = await this.get(id);
    const { gitRepositoryId, kubernetes, ...fields } = data;
    // Repositories are shared between fabrics: pointing its fabric at another fabric's repository
    // and directory would let a limited token read and commit there.
    if (this.#scope.limited && (gitRepositoryId !== undefined || fields.gitopsDirectory !== undefined)) {
      throw new DomainError(
        'FORBIDDEN',
        'A token limited to fabrics cannot change the Git repository or directory of a fabric',
        { id },
      );
    }
    this.deps.em.assign(fabric, fields as never);
    await this.applyRepository(fabric, gitRepositoryId);
    this.applyKubernetes(fabric, kubernetes);
    await this.flushChecked(fabric);
    if (kubernetes !== undefined) fabric.hasKubernetesCredentials = fabric.encryptedKubernetesCredentials != null;
    await this.deps.onChange?.({ type: 'updated', fabricId: fabric.id, clusterChanged: kubernetes !== undefined });
    return fabric;
  }

  /**
   * Deletes the fabric with every resource, operation and event (the foreign keys cascade in one
   * statement); the Git repository record stays for reuse.
   */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.deps.em.nativeDelete(FabricSchema, { id });
    this.deps.em.clear();
    await this.deps.onChange?.({ type: 'deleted', fabricId: id, clusterChanged: true });
  }

  /** Decrypted cluster credentials, for the cluster adapter only; never for the API. */
  async readKubernetesCredentials(fabric: Fabric): Promise<KubernetesCredentials | null> {
    await this.deps.em.populate(fabric, ['encryptedKubernetesCredentials'] as never);
    return fabric.encryptedKubernetesCredentials
      ? this.deps.secretBox.openJson<KubernetesCredentials>(fabric.encryptedKubernetesCredentials)
      : null;
  }

  private async applyRepository(fabric: Fabric, gitRepositoryId: string | null | undefined): Promise<void> {
    if (gitRepositoryId === undefined) return;
    if (gitRepositoryId === null) {
      fabric.gitRepository = null;
      return;
    }
    const repository = await this.deps.em.findOne(GitRepositorySchema, {
      id: requireId('Git repository', gitRepositoryId),
    });
    if (!repository) throw notFound('Git repository', gitRepositoryId);
    fabric.gitRepository = this.deps.em.getReference(GitRepositorySchema, gitRepositoryId, { wrapped: true }) as never;
  }

  private applyKubernetes(fabric: Fabric, kubernetes: z.infer<typeof KubernetesSchema> | null | undefined): void {
    if (kubernetes === undefined) return;
    if (kubernetes === null) {
      fabric.kubernetesServer = null;
      fabric.encryptedKubernetesCredentials = null;
      fabric.kubernetesNamespaces = [];
      return;
    }
    if (kubernetes.namespaces) fabric.kubernetesNamespaces = kubernetes.namespaces;
    if (kubernetes.kubeconfig) {
      fabric.kubernetesServer = serverFromKubeconfig(kubernetes.kubeconfig, this.deps.gatewayAddress);
      fabric.encryptedKubernetesCredentials = this.deps.secretBox.sealJson({ kubeconfig: kubernetes.kubeconfig });
    } else if (kubernetes.server) {
      checkServer(kubernetes.server, this.deps.gatewayAddress);
      fabric.kubernetesServer = kubernetes.server;
      if (kubernetes.token) {
        fabric.encryptedKubernetesCredentials = this.deps.secretBox.sealJson({
          token: kubernetes.token,
          caData: kubernetes.caData,
        });
      }
    }
  }

  private async flushChecked(fabric: Fabric): Promise<void> {
    try {
      await this.deps.em.flush();
    } catch (error) {
      this.deps.em.clear();
      if (error instanceof UniqueConstraintViolationException) {
        const detail = String((error as { detail?: string }).detail ?? error.message);
        throw new DomainError(
          'DUPLICATE',
          detail.includes('gitops_directory')
            ? `Another fabric already uses directory ${JSON.stringify(fabric.gitopsDirectory)} of this repository`
            : `A fabric named ${JSON.stringify(fabric.name)} already exists`,
        );
      }
      if (error instanceof ForeignKeyConstraintViolationException) {
        throw new DomainError('NOT_FOUND', 'The Git repository does not exist');
      }
      throw error;
    }
  }
}

/**
 * The server URL of the kubeconfig's current context, shown in the API so people can tell
 * clusters apart. The kubeconfig is checked whole (inline credentials only, every entry, every
 * server URL) by the same reader the cluster adapter uses; problems name their field, never a value.
 */
function serverFromKubeconfig(kubeconfig: string, gateway: GatewayAddress | undefined): string {
  const result = parseKubeconfig(kubeconfig, { gateway });
  if (result.ok) return result.config.cluster.server;
  throw new DomainError('INVALID_INPUT', `Invalid kubeconfig: ${describeProblems(result.problems)}`, {
    problems: result.problems.map((problem) => ({
      path: `$.kubernetes.kubeconfig${problem.path ? `.${problem.path}` : ''}`,
      message: problem.message,
    })),
  });
}

function checkServer(server: string, gateway: GatewayAddress | undefined): void {
  const message = serverProblem(server, { credentialsField: 'token', gateway });
  if (message)
    throw new DomainError('INVALID_INPUT', `Invalid fabric: $.kubernetes.server: ${message}`, {
      problems: [{ path: '$.kubernetes.server', message }],
    });
}
