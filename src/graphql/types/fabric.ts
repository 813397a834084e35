import { displayServer } from '../../cluster/cluster-server.ts';
import {
  FABRIC_STATUSES,
  FABRIC_SYNC_STATUSES,
  GITOPS_DIRECTORY_STATUSES,
  type Fabric,
} from '../../fabric/fabric.entity.ts';
import { DomainError } from '../../errors.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';
import { GitRepositoryRef, withoutUndefined } from './git-repository.ts';

export const FabricStatusEnum = builder.enumType('FabricStatus', { values: enumValues(FABRIC_STATUSES) });
export const GitopsDirectoryStatusEnum = builder.enumType('GitopsDirectoryStatus', {
  values: enumValues(GITOPS_DIRECTORY_STATUSES),
});
export const FabricSyncStatusEnum = builder.enumType('FabricSyncStatus', { values: enumValues(FABRIC_SYNC_STATUSES) });

const KubernetesConnectionRef = builder.objectRef<Fabric>('KubernetesConnection').implement({
  description: "Where the fabric's cluster is. Credentials are write-only.",
  fields: (t) => ({
    server: t.string({
      nullable: true,
      resolve: (fabric) => (fabric.kubernetesServer ? displayServer(fabric.kubernetesServer) : null),
    }),
    namespaces: t.exposeStringList('kubernetesNamespaces', { description: 'Namespaces watched; empty means all.' }),
    hasCredentials: t.boolean({ resolve: (fabric) => Boolean(fabric.hasKubernetesCredentials) }),
  }),
});

export const FabricRef = builder.objectRef<Fabric>('Fabric');

FabricRef.implement({
  description: 'A Hedgehog fabric: its GitOps directory in a Git repository and, optionally, its cluster.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    status: t.expose('status', { type: FabricStatusEnum }),
    gitRepository: t.field({
      type: GitRepositoryRef,
      nullable: true,
      resolve: (fabric) => fabric.gitRepository?.load() ?? null,
    }),
    gitopsDirectory: t.exposeString('gitopsDirectory'),
    gitopsDirectoryStatus: t.expose('gitopsDirectoryStatus', { type: GitopsDirectoryStatusEnum }),
    directoryInitError: t.exposeString('directoryInitError', { nullable: true }),
    lastDirectorySync: t.expose('lastDirectorySync', { type: 'DateTime', nullable: true }),
    lastPulledCommit: t.exposeString('lastPulledCommit', { nullable: true }),
    syncStatus: t.expose('syncStatus', { type: FabricSyncStatusEnum }),
    lastSyncedAt: t.expose('lastSyncedAt', { type: 'DateTime', nullable: true }),
    kubernetes: t.field({
      type: KubernetesConnectionRef,
      nullable: true,
      resolve: (fabric) => (fabric.kubernetesServer ? fabric : null),
    }),
    driftCounts: t.expose('driftCounts', { type: 'JSON', description: 'Resources per drift status.' }),
    driftCount: t.exposeInt('driftCount'),
    pullIntervalSeconds: t.exposeInt('pullIntervalSeconds'),
    autoCommitEnabled: t.exposeBoolean('autoCommitEnabled'),
    autoCommitQuietSeconds: t.exposeInt('autoCommitQuietSeconds'),
    validationSettings: t.expose('validationSettings', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const KubernetesConnectionInput = builder.inputType('KubernetesConnectionInput', {
  description: 'Write-only. Either a kubeconfig, or a server with a bearer token and CA certificate (PEM, base64).',
  fields: (t) => ({
    kubeconfig: t.string(),
    server: t.string(),
    token: t.string(),
    caData: t.string(),
    namespaces: t.stringList(),
  }),
});

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
const fabricInputFields = (t: InputFieldBuilder) => ({
  description: t.string(),
  status: t.field({ type: FabricStatusEnum }),
  gitRepositoryId: t.id({ description: 'null detaches the fabric from its repository.' }),
  gitopsDirectory: t.string({ description: 'Folder inside the repository, e.g. "fabrics/dc1".' }),
  kubernetes: t.field({ type: KubernetesConnectionInput, description: 'null removes the cluster connection.' }),
  pullIntervalSeconds: t.int(),
  autoCommitEnabled: t.boolean(),
  autoCommitQuietSeconds: t.int(),
  validationSettings: t.field({ type: 'JSON' }),
});

const CreateFabricInput = builder.inputType('CreateFabricInput', {
  fields: (t) => ({ ...fabricInputFields(t), name: t.string({ required: true }) }),
});
const UpdateFabricInput = builder.inputType('UpdateFabricInput', {
  fields: (t) => ({ ...fabricInputFields(t), name: t.string() }),
});

builder.queryFields((t) => ({
  fabrics: t.field({
    type: [FabricRef],
    description: 'Every fabric the token may see.',
    resolve: (_root, _args, context) => context.services.fabrics.list(),
  }),
  fabric: t.field({
    type: FabricRef,
    description: 'A fabric by id or by name (exactly one).',
    args: { id: t.arg.id(), name: t.arg.string() },
    resolve: (_root, args, context) => {
      if ((args.id == null) === (args.name == null)) {
        throw new DomainError('INVALID_INPUT', 'Give exactly one of id and name');
      }
      return args.id != null
        ? context.services.fabrics.get(String(args.id))
        : context.services.fabrics.getByName(args.name as string);
    },
  }),
}));

builder.mutationFields((t) => ({
  createFabric: t.field({
    type: FabricRef,
    args: { input: t.arg({ type: CreateFabricInput, required: true }) },
    resolve: (_root, args, context) => context.services.fabrics.create(withoutUndefined(args.input) as never),
  }),
  updateFabric: t.field({
    type: FabricRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateFabricInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.fabrics.update(String(args.id), withoutUndefined(args.input) as never),
  }),
  deleteFabric: t.id({
    description: 'Deletes the fabric with all its resources and operations. The Git repository record is kept.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.fabrics.delete(String(args.id));
      return args.id;
    },
  }),
}));
