import { displayServer } from '../../cluster/cluster-server.ts';
import {
  FABRIC_STATUSES,
  FABRIC_SYNC_STATUSES,
  GITOPS_DIRECTORY_STATUSES,
  type Fabric,
} from '../../fabric/fabric.entity.ts';
import { DomainError } from '../../errors.ts';
import { HYDRATION_MODES, resolveFabricConfig, type FabricConfig } from '../../hedgehog/fabric-config.ts';
import { NodeInterface, builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { describedEnumValues } from '../enums.ts';
import { GitRepositoryRef, withoutUndefined } from './git-repository.ts';

export const FabricStatusEnum = builder.enumType('FabricStatus', {
  description: "The fabric's lifecycle, set by its admins; informational (the gateway treats every status alike).",
  values: describedEnumValues(FABRIC_STATUSES, {
    planned: 'Being designed; not deployed yet.',
    active: 'Deployed and in service.',
    maintenance: 'In service, under maintenance.',
    decommissioned: 'Out of service; kept for its history.',
  }),
});
export const GitopsDirectoryStatusEnum = builder.enumType('GitopsDirectoryStatus', {
  description: "The state of the fabric's GitOps directory in its repository, as last checked or initialised.",
  values: describedEnumValues(GITOPS_DIRECTORY_STATUSES, {
    not_initialized: 'Never initialised or checked (see initializeGitopsDirectory).',
    initializing: 'A directory_init operation is creating the layout.',
    initialized: 'The layout is complete.',
    error: 'Initialisation failed; directoryInitError says why.',
    invalid_structure: 'The last check found departures from the layout (validateGitopsDirectory lists them).',
  }),
});
export const FabricSyncStatusEnum = builder.enumType('FabricSyncStatus', {
  description:
    'Whether a pull or push has completed for the fabric. This version sets NEVER_SYNCED and IN_SYNC only; the operations (syncOperations) tell what runs, failed or waits.',
  values: describedEnumValues(FABRIC_SYNC_STATUSES, {
    never_synced: 'No pull or push has completed yet.',
    in_sync: 'A pull or push has completed (lastSyncedAt says when).',
    out_of_sync: 'Reserved; not set by this version.',
    syncing: 'Reserved; not set by this version.',
    error: 'Reserved; not set by this version.',
  }),
});

export const DriftCountsRef = builder.objectRef<Record<string, number>>('DriftCounts').implement({
  description: 'Number of resources in each drift status; a status with none counts 0.',
  fields: (t) => ({
    inSync: t.int({
      description: 'Resources whose Git and cluster versions agree.',
      resolve: (counts) => counts.in_sync ?? 0,
    }),
    specDrift: t.int({
      description: 'Resources whose cluster version differs from Git.',
      resolve: (counts) => counts.spec_drift ?? 0,
    }),
    desiredOnly: t.int({
      description: 'Resources in Git that the cluster lacks.',
      resolve: (counts) => counts.desired_only ?? 0,
    }),
    liveOnly: t.int({
      description: 'Resources in the cluster that Git lacks.',
      resolve: (counts) => counts.live_only ?? 0,
    }),
    unknown: t.int({
      description: 'Resources whose drift is not known (no cluster, or its kind not listed yet).',
      resolve: (counts) => counts.unknown ?? 0,
    }),
  }),
});

const KubernetesConnectionRef = builder.objectRef<Fabric>('KubernetesConnection').implement({
  description: "Where the fabric's cluster is. Credentials are write-only.",
  fields: (t) => ({
    server: t.string({
      nullable: true,
      description: 'The API server URL (without credentials); null when the connection comes from a kubeconfig only.',
      resolve: (fabric) => (fabric.kubernetesServer ? displayServer(fabric.kubernetesServer) : null),
    }),
    namespaces: t.exposeStringList('kubernetesNamespaces', { description: 'Namespaces watched; empty means all.' }),
    hasCredentials: t.boolean({
      description: 'Whether a kubeconfig or token is stored. It is never returned.',
      resolve: (fabric) => Boolean(fabric.hasKubernetesCredentials),
    }),
  }),
});

const HydrationModeEnum = builder.enumType('HydrationMode', {
  description: "hhfab's `--hydrate-mode`: how validation treats a wiring without addresses and ASNs.",
  values: describedEnumValues(HYDRATION_MODES, {
    never: 'The wiring must be fully hydrated (every address and ASN set).',
    'if-not-present': "hhfab's default: a wiring with no hydrated field is hydrated; a partly hydrated one is refused.",
    override: 'Whatever is there is hydrated over.',
  }),
});

const FabricModeEnum = builder.enumType('FabricMode', {
  description: 'The fabric topology.',
  values: {
    SPINE_LEAF: { value: 'spine-leaf' as const, description: 'Spines and leaves (the only mode since 25.05).' },
  },
});

const VlanRangeRef = builder.objectRef<{ from: number; to: number }>('VlanRange').implement({
  description: 'An inclusive range of VLAN ids (1 to 4094).',
  fields: (t) => ({
    from: t.exposeInt('from', { description: 'First VLAN id of the range.' }),
    to: t.exposeInt('to', { description: 'Last VLAN id of the range (inclusive).' }),
  }),
});

const GatewayCommunityRef = builder.objectRef<{ priority: number; community: string }>('GatewayCommunity').implement({
  description: 'One entry of fab.yaml `gateway.communities`.',
  fields: (t) => ({
    priority: t.exposeInt('priority', { description: 'The priority (0 is the highest).' }),
    community: t.exposeString('community', { description: 'The BGP community, e.g. "50001:0".' }),
  }),
});

type Settings = Partial<FabricConfig>;

/** Each setting, its GraphQL type and its description: the output and input types list the same. */
const SETTING_TEXT = {
  managementSubnet: 'Management subnet, an IPv4 CIDR (default 172.30.0.0/21).',
  controlVIP: 'Control node VIP, an IPv4 address no switch may use (default 172.30.0.1).',
  managementDHCPStart:
    'First address of the management DHCP range; switch management IPs must be below it (default 172.30.4.0).',
  protocolSubnet: 'Protocol (loopback) subnet, an IPv4 CIDR (default 172.30.8.0/22).',
  vtepSubnet: 'VTEP subnet, an IPv4 CIDR (default 172.30.12.0/22).',
  proxyExternalSubnet: 'Proxy external subnet, an IPv4 CIDR (default 172.30.16.0/22).',
  fabricSubnet: 'Fabric link subnet, an IPv4 CIDR (default 172.30.128.0/17).',
  vpcWorkaroundSubnet: 'VPC workaround subnet, an IPv4 CIDR (default 172.30.96.0/19).',
  mclagSessionSubnet: 'MCLAG session subnet, an IPv4 CIDR (default 172.30.95.0/31).',
  spineASN: 'ASN of the spines, an integer from 1 to 4294967295 (Float: GraphQL Int is 32-bit; default 65100).',
  leafASNStart: 'First leaf ASN, an integer from 1 to 4294967295 (default 65101).',
  leafASNEnd: 'Last leaf ASN, an integer from 1 to 4294967295 (default 65533).',
  gatewayASN: 'Gateway ASN, an integer from 1 to 4294967295 (default 65534).',
  vpcIRBVLANRange: 'VLANs reserved for VPC IRB interfaces (default 3000-3899).',
  th5WorkaroundVLANRange: 'VLANs reserved for the TH5 workaround (default 3900-3999).',
  fabricMTU: 'Fabric MTU in bytes, 1 to 65535 (default 9100).',
  serverFacingMTUOffset: 'Bytes the server-facing MTU is below the fabric MTU, 0 to 65535 (default 64).',
  fabricMode: 'The topology (default SPINE_LEAF).',
  gatewayEnabled: 'Gateway kinds are allowed (fab.yaml `gateway.enable`; default true).',
  vpcPeeringDisabled: 'VPC peerings are refused (default false).',
  includeCLSP: 'Celestica SONiC+ switch profiles exist (fab.yaml `fabric.includeCLSP`; default false).',
  includeCumulus: 'The Cumulus VX switch profile exists (fab.yaml `fabric.includeCumulus`; default false).',
  gatewayCommunities:
    'fab.yaml `gateway.communities`; a gateway group has at most as many members as entries (default ten, 50001:0 to 50001:9).',
  hydrationMode: 'How a wiring without addresses and ASNs is treated (default IF_NOT_PRESENT).',
  requireHydration: 'Older spelling of hydrationMode NEVER, read when no hydrationMode is given.',
} as const satisfies Record<keyof FabricConfig, string>;

const ValidationSettingsRef = builder.objectRef<Settings>('ValidationSettings').implement({
  description:
    'Fabric settings the validation rules depend on (reference §9, docs/validation.md). As stored on a fabric, a null field is not overridden and takes the default named in its description; as effective settings, every field is set.',
  fields: (t) => {
    const text = (name: keyof typeof SETTING_TEXT) => ({ nullable: true as const, description: SETTING_TEXT[name] });
    const str = (name: keyof typeof SETTING_TEXT) =>
      t.string({ ...text(name), resolve: (settings) => (settings[name] as string | undefined) ?? null });
    const float = (name: keyof typeof SETTING_TEXT) =>
      t.float({ ...text(name), resolve: (settings) => (settings[name] as number | undefined) ?? null });
    const int = (name: keyof typeof SETTING_TEXT) =>
      t.int({ ...text(name), resolve: (settings) => (settings[name] as number | undefined) ?? null });
    const bool = (name: keyof typeof SETTING_TEXT) =>
      t.boolean({ ...text(name), resolve: (settings) => (settings[name] as boolean | undefined) ?? null });
    const range = (name: 'vpcIRBVLANRange' | 'th5WorkaroundVLANRange') =>
      t.field({ type: VlanRangeRef, ...text(name), resolve: (settings) => settings[name] ?? null });
    return {
      managementSubnet: str('managementSubnet'),
      controlVIP: str('controlVIP'),
      managementDHCPStart: str('managementDHCPStart'),
      protocolSubnet: str('protocolSubnet'),
      vtepSubnet: str('vtepSubnet'),
      proxyExternalSubnet: str('proxyExternalSubnet'),
      fabricSubnet: str('fabricSubnet'),
      vpcWorkaroundSubnet: str('vpcWorkaroundSubnet'),
      mclagSessionSubnet: str('mclagSessionSubnet'),
      spineASN: float('spineASN'),
      leafASNStart: float('leafASNStart'),
      leafASNEnd: float('leafASNEnd'),
      gatewayASN: float('gatewayASN'),
      vpcIRBVLANRange: range('vpcIRBVLANRange'),
      th5WorkaroundVLANRange: range('th5WorkaroundVLANRange'),
      fabricMTU: int('fabricMTU'),
      serverFacingMTUOffset: int('serverFacingMTUOffset'),
      fabricMode: t.field({ type: FabricModeEnum, ...text('fabricMode'), resolve: (s) => s.fabricMode ?? null }),
      gatewayEnabled: bool('gatewayEnabled'),
      vpcPeeringDisabled: bool('vpcPeeringDisabled'),
      includeCLSP: bool('includeCLSP'),
      includeCumulus: bool('includeCumulus'),
      gatewayCommunities: t.field({
        type: [GatewayCommunityRef],
        ...text('gatewayCommunities'),
        resolve: (settings) =>
          settings.gatewayCommunities
            ? Object.entries(settings.gatewayCommunities)
                .map(([priority, community]) => ({ priority: Number(priority), community }))
                .sort((a, b) => a.priority - b.priority)
            : null,
      }),
      hydrationMode: t.field({
        type: HydrationModeEnum,
        ...text('hydrationMode'),
        resolve: (s) => s.hydrationMode ?? null,
      }),
      requireHydration: bool('requireHydration'),
    };
  },
});

const VlanRangeInput = builder.inputType('VlanRangeInput', {
  description: 'An inclusive range of VLAN ids (1 to 4094).',
  fields: (t) => ({
    from: t.int({ required: true, description: 'First VLAN id of the range.' }),
    to: t.int({ required: true, description: 'Last VLAN id of the range (inclusive).' }),
  }),
});

const GatewayCommunityInput = builder.inputType('GatewayCommunityInput', {
  description: 'One entry of fab.yaml `gateway.communities`; each priority at most once.',
  fields: (t) => ({
    priority: t.int({ required: true, description: 'The priority, 0 or more (0 is the highest).' }),
    community: t.string({ required: true, description: 'The BGP community, e.g. "50001:0".' }),
  }),
});

const ValidationSettingsInput = builder.inputType('ValidationSettingsInput', {
  description:
    "The fabric's validation settings: the fields given override hhfab's defaults; an absent or null field keeps the default. Replaces the stored settings whole. Checked like the rest of the input (INVALID_INPUT names each bad field).",
  fields: (t) => ({
    managementSubnet: t.string({ description: SETTING_TEXT.managementSubnet }),
    controlVIP: t.string({ description: SETTING_TEXT.controlVIP }),
    managementDHCPStart: t.string({ description: SETTING_TEXT.managementDHCPStart }),
    protocolSubnet: t.string({ description: SETTING_TEXT.protocolSubnet }),
    vtepSubnet: t.string({ description: SETTING_TEXT.vtepSubnet }),
    proxyExternalSubnet: t.string({ description: SETTING_TEXT.proxyExternalSubnet }),
    fabricSubnet: t.string({ description: SETTING_TEXT.fabricSubnet }),
    vpcWorkaroundSubnet: t.string({ description: SETTING_TEXT.vpcWorkaroundSubnet }),
    mclagSessionSubnet: t.string({ description: SETTING_TEXT.mclagSessionSubnet }),
    spineASN: t.float({ description: SETTING_TEXT.spineASN }),
    leafASNStart: t.float({ description: SETTING_TEXT.leafASNStart }),
    leafASNEnd: t.float({ description: SETTING_TEXT.leafASNEnd }),
    gatewayASN: t.float({ description: SETTING_TEXT.gatewayASN }),
    vpcIRBVLANRange: t.field({ type: VlanRangeInput, description: SETTING_TEXT.vpcIRBVLANRange }),
    th5WorkaroundVLANRange: t.field({ type: VlanRangeInput, description: SETTING_TEXT.th5WorkaroundVLANRange }),
    fabricMTU: t.int({ description: SETTING_TEXT.fabricMTU }),
    serverFacingMTUOffset: t.int({ description: SETTING_TEXT.serverFacingMTUOffset }),
    fabricMode: t.field({ type: FabricModeEnum, description: SETTING_TEXT.fabricMode }),
    gatewayEnabled: t.boolean({ description: SETTING_TEXT.gatewayEnabled }),
    vpcPeeringDisabled: t.boolean({ description: SETTING_TEXT.vpcPeeringDisabled }),
    includeCLSP: t.boolean({ description: SETTING_TEXT.includeCLSP }),
    includeCumulus: t.boolean({ description: SETTING_TEXT.includeCumulus }),
    gatewayCommunities: t.field({ type: [GatewayCommunityInput], description: SETTING_TEXT.gatewayCommunities }),
    hydrationMode: t.field({ type: HydrationModeEnum, description: SETTING_TEXT.hydrationMode }),
    requireHydration: t.boolean({ description: SETTING_TEXT.requireHydration }),
  }),
});

/**
 * The input as the service's settings schema reads it (src/hedgehog/fabric-config.ts): null
 * fields left out, the community list as fab.yaml's map. A priority given twice is refused.
 */
function storedSettings(input: Record<string, unknown>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === null || value === undefined) continue;
    if (name !== 'gatewayCommunities') {
      settings[name] = value;
      continue;
    }
    const communities: Record<string, string> = {};
    for (const [index, entry] of (value as { priority: number; community: string }[]).entries()) {
      const key = String(entry.priority);
      if (key in communities || entry.priority < 0) {
        throw new DomainError('INVALID_INPUT', 'Each gateway community priority at most once, 0 or more', {
          problems: [
            { path: `$.validationSettings.gatewayCommunities[${index}].priority`, message: 'repeated or negative' },
          ],
        });
      }
      communities[key] = entry.community;
    }
    settings[name] = communities;
  }
  return settings;
}

/** A fabric input with its validation settings in the stored form. */
function fabricInput<T extends { validationSettings?: Record<string, unknown> | null }>(input: T) {
  const fields = withoutUndefined(input) as Record<string, unknown>;
  if (input.validationSettings != null) fields.validationSettings = storedSettings(input.validationSettings);
  return fields;
}

export const FabricRef = builder.objectRef<Fabric>('Fabric');

FabricRef.implement({
  interfaces: [NodeInterface],
  description: 'A Hedgehog fabric: its GitOps directory in a Git repository and, optionally, its cluster.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the fabric.' }),
    name: t.exposeString('name', { description: 'Unique name, at most 255 characters.' }),
    description: t.exposeString('description', { description: 'Free text; empty when not given.' }),
    status: t.expose('status', { type: FabricStatusEnum, description: 'Lifecycle status, set by admins.' }),
    gitRepository: t.field({
      type: GitRepositoryRef,
      nullable: true,
      description: 'The repository holding the GitOps directory; null when the fabric has none (no sync possible).',
      resolve: (fabric) => fabric.gitRepository?.load() ?? null,
    }),
    gitopsDirectory: t.exposeString('gitopsDirectory', {
      description: 'Folder of the fabric inside the repository, e.g. "fabrics/dc1"; empty means the repository root.',
    }),
    gitopsDirectoryStatus: t.expose('gitopsDirectoryStatus', {
      type: GitopsDirectoryStatusEnum,
      description: 'The directory layout as last initialised or checked.',
    }),
    directoryInitError: t.exposeString('directoryInitError', {
      nullable: true,
      description: 'Why the last directory initialisation failed; null when it did not.',
    }),
    lastDirectorySync: t.expose('lastDirectorySync', {
      type: 'DateTime',
      nullable: true,
      description: 'When the directory was last initialised or ingested; null when never.',
    }),
    lastPulledCommit: t.exposeString('lastPulledCommit', {
      nullable: true,
      description: 'SHA of the last commit pulled into the database; null before the first pull.',
    }),
    syncStatus: t.expose('syncStatus', { type: FabricSyncStatusEnum, description: 'Whether a sync has completed.' }),
    lastSyncedAt: t.expose('lastSyncedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the last pull or push completed; null when none has.',
    }),
    kubernetes: t.field({
      type: KubernetesConnectionRef,
      nullable: true,
      description: 'The cluster connection; null when the fabric has none (drift UNKNOWN).',
      resolve: (fabric) => (fabric.kubernetesServer ? fabric : null),
    }),
    driftCounts: t.field({
      type: DriftCountsRef,
      description: 'Resources per drift status, as the cluster watchers last rolled them up.',
      resolve: (fabric) => fabric.driftCounts ?? {},
    }),
    driftCount: t.exposeInt('driftCount', {
      description: 'Resources that differ between Git and the cluster (SPEC_DRIFT + DESIRED_ONLY + LIVE_ONLY).',
    }),
    pullIntervalSeconds: t.exposeInt('pullIntervalSeconds', {
      description: 'Seconds between checks of the branch head for new commits (10 to 86400).',
    }),
    autoCommitEnabled: t.exposeBoolean('autoCommitEnabled', {
      description: 'Drafts are committed automatically once no edit came for autoCommitQuietSeconds.',
    }),
    autoCommitQuietSeconds: t.exposeInt('autoCommitQuietSeconds', {
      description: 'Seconds without edits before an automatic commit (1 to 86400).',
    }),
    changeStallSeconds: t.exposeInt('changeStallSeconds', {
      description:
        'Seconds a change may take to apply after it landed, and then to converge after it applied, before it is STALLED (10 to 604800; docs/changes.md).',
    }),
    validationSettings: t.field({
      type: ValidationSettingsRef,
      description: 'The settings this fabric overrides; a null field takes the default.',
      resolve: (fabric) => fabric.validationSettings as Settings,
    }),
    effectiveValidationSettings: t.field({
      type: ValidationSettingsRef,
      description: 'The settings validation uses for this fabric: its overrides over the defaults; every field set.',
      resolve: (fabric) => resolveFabricConfig(fabric.validationSettings as Settings),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the fabric was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the fabric record last changed.' }),
  }),
});

const KubernetesConnectionInput = builder.inputType('KubernetesConnectionInput', {
  description: 'Write-only. Either a kubeconfig, or a server with a bearer token and CA certificate (PEM, base64).',
  fields: (t) => ({
    kubeconfig: t.string({ description: 'A whole kubeconfig (YAML), at most 1 MiB; its current context is used.' }),
    server: t.string({ description: 'API server URL (https), without a kubeconfig.' }),
    token: t.string({ description: 'Bearer token, with server.' }),
    caData: t.string({ description: "The server's CA certificate, PEM in base64, with server." }),
    namespaces: t.stringList({ description: 'Namespaces to watch; omit or empty for all.' }),
  }),
});

type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
const fabricInputFields = (t: InputFieldBuilder) => ({
  description: t.string({ description: 'Free text, at most 10000 characters.' }),
  status: t.field({ type: FabricStatusEnum, description: 'Lifecycle status (default PLANNED).' }),
  gitRepositoryId: t.id({ description: 'null detaches the fabric from its repository.' }),
  gitopsDirectory: t.string({ description: 'Folder inside the repository, e.g. "fabrics/dc1".' }),
  kubernetes: t.field({ type: KubernetesConnectionInput, description: 'null removes the cluster connection.' }),
  pullIntervalSeconds: t.int({ description: 'Seconds between head checks, 10 to 86400 (default 60).' }),
  autoCommitEnabled: t.boolean({ description: 'Commit drafts automatically after a quiet time (default false).' }),
  autoCommitQuietSeconds: t.int({ description: 'Quiet time before an automatic commit, 1 to 86400 s (default 30).' }),
  changeStallSeconds: t.int({
    description:
      'Seconds a change may take to apply, and then to converge, before it is STALLED: 10 to 604800 (default 600).',
  }),
  validationSettings: t.field({
    type: ValidationSettingsInput,
    description: 'Overrides of the validation settings; replaces the stored ones whole ({} clears them).',
  }),
});

const CreateFabricInput = builder.inputType('CreateFabricInput', {
  description: 'A new fabric. Only the name is required.',
  fields: (t) => ({
    ...fabricInputFields(t),
    name: t.string({ required: true, description: 'Unique name, 1 to 255 characters.' }),
  }),
});
const UpdateFabricInput = builder.inputType('UpdateFabricInput', {
  description: 'Changes to a fabric: absent fields are left as they are.',
  fields: (t) => ({ ...fabricInputFields(t), name: t.string({ description: 'Unique name, 1 to 255 characters.' }) }),
});

builder.queryFields((t) => ({
  fabrics: t.field({
    type: [FabricRef],
    description: 'Every fabric the token may see, by name.',
    resolve: (_root, _args, context) => context.services.fabrics.list(),
  }),
  fabric: t.field({
    type: FabricRef,
    description: 'A fabric by id or by name (exactly one). Errors: NOT_FOUND, INVALID_INPUT (both or neither given).',
    args: {
      id: t.arg.id({ description: 'The UUID of the fabric.' }),
      name: t.arg.string({ description: 'The exact name of the fabric.' }),
    },
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
    description: mutationDescription(
      'createFabric',
      'Creates a fabric. INVALID_INPUT names each bad field; DUPLICATE when the name, or the repository and directory, are taken; NOT_FOUND for an unknown gitRepositoryId.',
      ['INVALID_INPUT', 'DUPLICATE', 'NOT_FOUND'],
    ),
    args: { input: t.arg({ type: CreateFabricInput, required: true, description: 'The new fabric.' }) },
    resolve: (_root, args, context) => context.services.fabrics.create(fabricInput(args.input) as never),
  }),
  updateFabric: t.field({
    type: FabricRef,
    description: mutationDescription(
      'updateFabric',
      'Changes a fabric; absent fields stay as they are. A fabric-limited token may not change the repository or directory (FORBIDDEN). CONFLICT when the fabric changed meanwhile.',
      ['NOT_FOUND', 'INVALID_INPUT', 'DUPLICATE', 'CONFLICT'],
    ),
    args: {
      id: t.arg.id({ required: true, description: 'The UUID of the fabric.' }),
      input: t.arg({ type: UpdateFabricInput, required: true, description: 'The changes.' }),
    },
    resolve: (_root, args, context) =>
      context.services.fabrics.update(String(args.id), fabricInput(args.input) as never),
  }),
  deleteFabric: t.id({
    description: mutationDescription(
      'deleteFabric',
      'Deletes the fabric with all its resources and operations; returns its id. The Git repository record and the files in Git are kept.',
      ['NOT_FOUND'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the fabric.' }) },
    resolve: async (_root, args, context) => {
      await context.services.fabrics.delete(String(args.id));
      return args.id;
    },
  }),
}));
