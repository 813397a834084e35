/**
 * The GitOps directory of one fabric, as pure data: what an initialised directory holds, what is
 * still missing from one, and what is wrong with one. No I/O; paths are relative to the fabric's
 * directory (`raw/x.yaml`, `managed/switches/leaf-01.yaml`).
 *
 *   <dir>/README.md                  what the folders are for
 *   <dir>/.hnp/manifest.yaml         layout version, fabric name, gateway version
 *   <dir>/.hnp/archive-log.yaml      one entry per ingested raw file (appended by ingestion)
 *   <dir>/raw/                       drop YAML here; ingestion empties it
 *   <dir>/unmanaged/                 documents ingestion could not manage, each with a .reason.yaml
 *   <dir>/managed/<kind>s/<name>.yaml  one canonical object per file (<namespace>-<name>.yaml outside default)
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { MANAGED_KINDS, findKindByName } from '../hedgehog/catalog.ts';
import { managedFilePath, type HedgehogObject } from '../hedgehog/canonical.ts';
import { parseManifests } from '../hedgehog/manifests.ts';
import { isYamlFile } from './fabric-paths.ts';

export const LAYOUT_VERSION = 1;
export const README_PATH = 'README.md';
export const MANIFEST_PATH = '.hnp/manifest.yaml';
export const ARCHIVE_LOG_PATH = '.hnp/archive-log.yaml';
export const RAW_FOLDER = 'raw';
export const UNMANAGED_FOLDER = 'unmanaged';
export const MANAGED_FOLDER = 'managed';
export const KEEP_FILE = '.gitkeep';

/** Every folder an initialised directory has, each kept in Git by a `.gitkeep` while empty. */
export const LAYOUT_FOLDERS: readonly string[] = [
  RAW_FOLDER,
  UNMANAGED_FOLDER,
  ...MANAGED_KINDS.map((info) => `${MANAGED_FOLDER}/${info.directory}`),
];

export interface DirectoryIdentity {
  fabricName: string;
  gatewayVersion: string;
}

/** A file in the directory as read from Git (`GitHost.readTree`, path made relative). */
export interface DirectoryEntry {
  path: string;
  oid: string;
  size: number;
  mode: string;
}

export interface PlannedFile {
  path: string;
  contents: string;
}

export function renderManifest(identity: DirectoryIdentity): string {
  return stringifyYaml({
    layoutVersion: LAYOUT_VERSION,
    fabric: identity.fabricName,
    gatewayVersion: identity.gatewayVersion,
    folders: { raw: `${RAW_FOLDER}/`, unmanaged: `${UNMANAGED_FOLDER}/`, managed: `${MANAGED_FOLDER}/` },
  });
}

export function renderDirectoryReadme(identity: DirectoryIdentity): string {
  const kinds = MANAGED_KINDS.map(
    (info) => `| \`${MANAGED_FOLDER}/${info.directory}/\` | ${info.kind} (${info.apiVersion}) |`,
  ).join('\n');
  return `# GitOps directory of fabric ${identity.fabricName}

Maintained by the Hedgehog GitOps Gateway (layout version ${LAYOUT_VERSION}).

| folder | what it is for |
| --- | --- |
| \`${RAW_FOLDER}/\` | Drop Hedgehog YAML here (one or many documents per file, \`.yaml\` or \`.yml\`). Ingestion validates it, writes one canonical file per object under \`${MANAGED_FOLDER}/\`, and removes the raw file in the same commit. |
| \`${MANAGED_FOLDER}/\` | One object per file, in canonical form: \`${MANAGED_FOLDER}/<kind>s/<name>.yaml\` (\`<namespace>-<name>.yaml\` outside namespace \`default\`). Edit these files to change the fabric. |
| \`${UNMANAGED_FOLDER}/\` | Documents ingestion could not manage (not Hedgehog objects, invalid, or in conflict with a managed file), each file with a \`.reason.yaml\` beside it listing every finding with its position. |
| \`.hnp/\` | \`manifest.yaml\` (layout version, fabric, gateway version) and \`archive-log.yaml\` (one entry per ingested raw file). |

Managed kinds:

| folder | kind |
| --- | --- |
${kinds}
`;
}

/** The complete set of files a freshly initialised directory holds. */
export function directoryLayout(identity: DirectoryIdentity): PlannedFile[] {
  return [
    { path: README_PATH, contents: renderDirectoryReadme(identity) },
    { path: MANIFEST_PATH, contents: renderManifest(identity) },
    ...LAYOUT_FOLDERS.map((folder) => ({ path: `${folder}/${KEEP_FILE}`, contents: '' })),
  ];
}

/**
 * What initialisation still has to add: the layout files whose path is missing, and a `.gitkeep`
 * for every layout folder that holds no file at all. Existing files are never replaced. Empty
 * means the directory needs no commit.
 */
export function planDirectoryInit(
  existing: readonly Pick<DirectoryEntry, 'path'>[],
  identity: DirectoryIdentity,
): PlannedFile[] {
  const paths = new Set(existing.map((entry) => entry.path));
  const occupied = (folder: string) => existing.some((entry) => entry.path.startsWith(`${folder}/`));
  return directoryLayout(identity).filter((file) => {
    if (paths.has(file.path)) return false;
    if (file.path.endsWith(`/${KEEP_FILE}`)) return !occupied(file.path.slice(0, -KEEP_FILE.length - 1));
    return true;
  });
}

export const DIRECTORY_FINDING_CODES = {
  MANIFEST_MISSING: 'The directory has no .hnp/manifest.yaml (it was never initialised).',
  MANIFEST_INVALID: 'The manifest is not YAML, or names a layout version this gateway does not know.',
  FOLDER_MISSING: 'A layout folder holds no file (not even .gitkeep).',
  UNKNOWN_FILE: 'A file under managed/ that is not a YAML file in a managed kind folder.',
  UNREADABLE_FILE: 'A managed file that is not exactly one Hedgehog object.',
  WRONG_KIND_FOLDER: 'A managed file in the folder of another kind.',
  NAME_MISMATCH: "A managed file whose name is not its object's <name>.yaml (or <namespace>-<name>.yaml).",
} as const;
export type DirectoryFindingCode = keyof typeof DIRECTORY_FINDING_CODES;

export interface DirectoryFinding {
  code: DirectoryFindingCode;
  /** Relative to the fabric directory. */
  path: string;
  message: string;
}

export type DirectoryStatus = 'not_initialized' | 'initialized' | 'invalid_structure';

export interface DirectoryReport {
  status: DirectoryStatus;
  findings: DirectoryFinding[];
}

/** Managed files whose content `validateDirectory` needs (YAML files in kind folders). */
export function managedFilesToRead(entries: readonly DirectoryEntry[]): DirectoryEntry[] {
  const folders = new Set(MANAGED_KINDS.map((info) => info.directory));
  return entries.filter((entry) => {
    const parts = entry.path.split('/');
    return parts.length === 3 && parts[0] === MANAGED_FOLDER && folders.has(parts[1]!) && isYamlFile(parts[2]!);
  });
}

/**
 * Checks a directory against the layout. `texts` holds the contents of the files
 * `managedFilesToRead` selected (plus the manifest, when present); a managed file without text is
 * reported as unreadable.
 */
export function validateDirectory(
  entries: readonly DirectoryEntry[],
  texts: ReadonlyMap<string, string>,
): DirectoryReport {
  if (entries.length === 0) {
    return {
      status: 'not_initialized',
      findings: [
        { code: 'MANIFEST_MISSING', path: MANIFEST_PATH, message: 'the directory is empty or missing; initialise it' },
      ],
    };
  }
  const findings: DirectoryFinding[] = [];
  const paths = new Set(entries.map((entry) => entry.path));
  if (!paths.has(MANIFEST_PATH)) {
    findings.push({
      code: 'MANIFEST_MISSING',
      path: MANIFEST_PATH,
      message: 'missing; initialise the directory to create it',
    });
  } else {
    const problem = manifestProblem(texts.get(MANIFEST_PATH));
    if (problem) findings.push({ code: 'MANIFEST_INVALID', path: MANIFEST_PATH, message: problem });
  }
  for (const folder of LAYOUT_FOLDERS) {
    if (!entries.some((entry) => entry.path.startsWith(`${folder}/`))) {
      findings.push({
        code: 'FOLDER_MISSING',
        path: `${folder}/`,
        message: `folder ${folder}/ is missing (keep it with a ${KEEP_FILE})`,
      });
    }
  }
  const readable = new Set(managedFilesToRead(entries).map((entry) => entry.path));
  for (const entry of entries) {
    if (!entry.path.startsWith(`${MANAGED_FOLDER}/`)) continue;
    const parts = entry.path.split('/');
    if (parts.length === 3 && parts[2] === KEEP_FILE && LAYOUT_FOLDERS.includes(`${parts[0]}/${parts[1]}`)) continue;
    if (!readable.has(entry.path)) {
      findings.push({
        code: 'UNKNOWN_FILE',
        path: entry.path,
        message: `not a YAML file in one of the managed kind folders (${MANAGED_FOLDER}/<kind>s/<name>.yaml)`,
      });
      continue;
    }
    findings.push(...checkManagedFile(entry.path, texts.get(entry.path)));
  }
  findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code.localeCompare(b.code)));
  return { status: findings.length === 0 ? 'initialized' : 'invalid_structure', findings };
}

function manifestProblem(text: string | undefined): string | undefined {
  if (text === undefined) return 'could not be read';
  let manifest: unknown;
  try {
    manifest = parseYaml(text);
  } catch (error) {
    return `not YAML: ${(error as Error).message.split('\n')[0]}`;
  }
  const version = (manifest as { layoutVersion?: unknown } | null)?.layoutVersion;
  if (version !== LAYOUT_VERSION)
    return `layoutVersion is ${JSON.stringify(version)}; this gateway writes and reads layout version ${LAYOUT_VERSION}`;
  return undefined;
}

function checkManagedFile(path: string, text: string | undefined): DirectoryFinding[] {
  if (text === undefined) return [{ code: 'UNREADABLE_FILE', path, message: 'could not be read' }];
  const parsed = parseManifests(text, { file: path });
  const firstProblem = parsed.findings[0];
  if (firstProblem)
    return [{ code: 'UNREADABLE_FILE', path, message: `line ${firstProblem.line ?? 1}: ${firstProblem.message}` }];
  if (parsed.documents.length !== 1)
    return [
      {
        code: 'UNREADABLE_FILE',
        path,
        message: `holds ${parsed.documents.length} documents; a managed file holds exactly one object`,
      },
    ];
  const object = parsed.documents[0]!.object as Partial<HedgehogObject> | null;
  const kind = typeof object?.kind === 'string' ? findKindByName(object.kind) : undefined;
  const name = object?.metadata && typeof object.metadata.name === 'string' ? object.metadata.name : undefined;
  if (!kind?.managed || !name)
    return [{ code: 'UNREADABLE_FILE', path, message: 'not a managed Hedgehog object with a kind and metadata.name' }];
  const namespace = typeof object?.metadata?.namespace === 'string' ? object.metadata.namespace : undefined;
  const expected = managedFilePath({ kind: kind.kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
  const folder = path.split('/')[1];
  if (folder !== kind.directory) {
    return [
      {
        code: 'WRONG_KIND_FOLDER',
        path,
        message: `holds a ${kind.kind}, which belongs in ${MANAGED_FOLDER}/${kind.directory}/ (expected ${expected})`,
      },
    ];
  }
  if (expected !== path)
    return [
      {
        code: 'NAME_MISMATCH',
        path,
        message: `holds ${kind.kind} ${namespace ?? 'default'}/${name}; its file is ${expected}`,
      },
    ];
  return [];
}
