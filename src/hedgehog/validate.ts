/**
 * Whole-fabric validation. Like `hhfab validate` it loads everything first, so results do not
 * depend on file or document order; unlike hhfab it reports every finding, each with a position.
 *
 * Pipeline: parse → classify (Hedgehog? managed? legacy?) → Default() → strict schema on the
 * defaulted object → canonical form → index by kind/name → per-object rules → fabric-wide
 * uniqueness → findings sorted. An object whose schema findings leave its shape readable (an
 * unknown field, a value out of range) still goes through the rules: every finding at once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { findKind, isHedgehogApiVersion, legacyApiReplacement, type KindInfo } from './catalog.ts';
import { defaultObject } from './defaults.ts';
import {
  canonicalize,
  gitBlobOid,
  renderCanonicalObjectYaml,
  sha256Hex,
  DEFAULT_NAMESPACE,
  type HedgehogObject,
} from './canonical.ts';
import { resolveFabricConfig, type FabricConfig } from './fabric-config.ts';
import { wiringHydration, type Hydration, type HydrationStatus } from './hydration.ts';
import { toJsonPath, type Finding, type FindingCode } from './findings.ts';
import { parseManifests, type ManifestDocument, type PathSegment, type SourcePosition } from './manifests.ts';
import type { ObjectRecord, RuleContext, RuleFinding } from './rule-context.ts';
import { KIND_SCHEMAS } from './schemas.ts';
import { mentionsAny } from './validation-scope.ts';
import { findUnstorableText, unstorableCharacter } from './storable-text.ts';
import { checkMetadata } from './rules/metadata-rules.ts';
import { checkConnection, checkSwitch, checkVlanNamespace } from './rules/wiring-rules.ts';
import {
  checkExternal,
  checkExternalAttachment,
  checkExternalPeering,
  checkIpv4Namespace,
  checkVpc,
  checkVpcAttachment,
  checkVpcPeering,
} from './rules/vpc-rules.ts';
import { checkGateway, checkGatewayPeering } from './rules/gateway-rules.ts';
import {
  checkAttachmentsPerConnection,
  checkDeviceAddresses,
  checkPortsAndLinkIPs,
  checkVpcSubnetsAcrossVpcs,
} from './rules/uniqueness-rules.ts';

export interface ValidatedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  file?: string;
  documentIndex?: number;
  /** Canonical plain object. */
  object: HedgehogObject;
  /** Computed when first read, as are the two hashes. */
  readonly canonicalYaml: string;
  /** SHA-256 (hex) of the canonical YAML bytes. */
  readonly sha256: string;
  /** Git blob id of the canonical YAML bytes. */
  readonly gitBlobOid: string;
  /** False when any error finding is about this object. */
  valid: boolean;
}

export interface ValidationResult {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  objects: ValidatedObject[];
}

export interface ValidationOptions {
  /**
   * The fabric's current objects (already canonical). Checked together with the input; an input
   * object with the same kind/namespace/name replaces the existing one. Findings are reported
   * only for input objects: the fabric's own state is not the caller's to fix here.
   */
  existing?: readonly HedgehogObject[];
  /**
   * Identities whose existing object stays whatever the input says (an ingestion keeps a managed
   * file after a conflict): the input object is still checked and returned, but the rest of the
   * input is checked against the existing object it does not replace.
   */
  keepExisting?: readonly { kind: string; namespace: string; name: string }[];
  fabricConfig?: Partial<FabricConfig>;
}

export interface ValidateManifestsInput extends ValidationOptions {
  files: readonly { path: string; text: string }[];
}

/** One object to validate, with where it came from when known. */
export interface SourceObject {
  object: unknown;
  file?: string;
  documentIndex?: number;
  positionOf?: (path: readonly PathSegment[]) => SourcePosition;
}

export function validateManifests(input: ValidateManifestsInput): ValidationResult {
  return validateParsed(parseManifestFiles(input.files), input);
}

/** Files parsed into documents to validate, with the parse findings (step one of validateManifests). */
export interface ParsedManifests {
  sources: SourceObject[];
  findings: Finding[];
}

/**
 * Parses files for `validateParsed`: a caller that reads the existing objects the input needs
 * (validation-scope.ts) looks at the parsed documents first.
 */
export function parseManifestFiles(files: readonly { path: string; text: string }[]): ParsedManifests {
  const findings: Finding[] = [];
  const sources: SourceObject[] = [];
  for (const file of files) {
    const parsed = parseManifests(file.text, { file: file.path });
    findings.push(...parsed.findings);
    for (const document of parsed.documents) sources.push(sourceOf(document));
  }
  return { sources, findings };
}

/** validateManifests on files already parsed by parseManifestFiles. */
export function validateParsed(parsed: ParsedManifests, options: ValidationOptions): ValidationResult {
  return validateSources(parsed.sources, options, parsed.findings);
}

/** For callers that already hold parsed objects (no positions unless given as SourceObjects). */
export function validateObjects(
  objects: readonly (unknown | SourceObject)[],
  options: ValidationOptions = {},
): ValidationResult {
  return validateSources(
    objects.map((object) => (isSourceObject(object) ? object : { object })),
    options,
    [],
  );
}

function sourceOf(document: ManifestDocument): SourceObject {
  return {
    object: document.object,
    ...(document.file === undefined ? {} : { file: document.file }),
    documentIndex: document.index,
    positionOf: document.positionOf,
  };
}

function isSourceObject(value: unknown): value is SourceObject {
  return value !== null && typeof value === 'object' && 'object' in value && !('apiVersion' in value);
}

/** Findings reported per document for text the database cannot store; the rest are counted. */
const MAX_UNSTORABLE_FINDINGS = 20;

type ManagedSource = { source: SourceObject; info: KindInfo; schema: SchemaCheck; name: string; namespace: string };

interface SchemaCheck {
  valid: boolean;
  /** The rules can read the object: every schema finding leaves the shape they expect intact. */
  readable: boolean;
  findings: { code: FindingCode; message: string; path: PathSegment[] }[];
}

/**
 * zod issue codes that leave an object's shape as the rules expect it: an extra key, a number or
 * list size out of range, a string of the wrong format. A missing field, a wrong type or a value
 * outside an enum (rules branch on enums) makes the object unreadable, and its rules are skipped.
 */
const READABLE_ISSUES = new Set(['unrecognized_keys', 'too_small', 'too_big', 'invalid_format', 'custom']);

/**
 * The strict schema, run as the webhooks run it: on the object after Default(). Decoding
 * happens before Default, so unknown fields and wrong types inside what Default drops (DHCP
 * range and options while DHCP is off) are still reported, from the object as written.
 */
function checkSchema(kind: string, object: unknown): SchemaCheck {
  const schema = KIND_SCHEMAS[kind];
  if (!schema) return { valid: false, readable: false, findings: [] };
  const defaulted = defaultObject(object);
  const parsed = schema.safeParse(defaulted);
  const issues = parsed.success ? [] : [...parsed.error.issues];
  if (kind === 'VPC' && hasDroppedDhcpFields(object)) {
    const raw = schema.safeParse(object);
    if (!raw.success) {
      for (const issue of raw.error.issues) {
        const decoding =
          issue.code === 'unrecognized_keys' ||
          (issue.code === 'invalid_type' && valueAt(object, issue.path as PathSegment[]) !== undefined);
        if (
          decoding &&
          isUnderDroppedDhcpField(issue.path) &&
          !issues.some(
            (other) =>
              other.code === issue.code &&
              toJsonPath(other.path as PathSegment[]) === toJsonPath(issue.path as PathSegment[]),
          )
        )
          issues.push(issue);
      }
    }
  }
  if (issues.length === 0) return { valid: true, readable: true, findings: [] };
  return {
    valid: false,
    readable: issues.every((issue) => READABLE_ISSUES.has(issue.code)),
    findings: schemaFindings(issues, defaulted),
  };
}

/** True when a VPC subnet has DHCP off and a range or options, which VPC.Default drops. */
function hasDroppedDhcpFields(object: unknown): boolean {
  const subnets = (object as { spec?: { subnets?: unknown } } | null)?.spec?.subnets;
  if (subnets === null || typeof subnets !== 'object') return false;
  return Object.values(subnets).some((subnet) => {
    const dhcp = (subnet as { dhcp?: Record<string, unknown> } | null)?.dhcp;
    return (
      dhcp !== null &&
      typeof dhcp === 'object' &&
      dhcp.enable !== true &&
      (dhcp.range !== undefined || dhcp.options !== undefined)
    );
  });
}

function isUnderDroppedDhcpField(path: readonly PropertyKey[]): boolean {
  return (
    path.length >= 5 &&
    path[0] === 'spec' &&
    path[1] === 'subnets' &&
    path[3] === 'dhcp' &&
    (path[4] === 'range' || path[4] === 'options')
  );
}

function validateSources(
  sources: readonly SourceObject[],
  options: ValidationOptions,
  initialFindings: Finding[],
): ValidationResult {
  const config = resolveFabricConfig(options.fabricConfig);
  const findings = [...initialFindings];
  const locate = (source: SourceObject, path: readonly PathSegment[]) => ({
    ...(source.file === undefined ? {} : { file: source.file }),
    ...(source.documentIndex === undefined ? {} : { documentIndex: source.documentIndex }),
    ...(source.positionOf ? source.positionOf(path) : {}),
  });
  const sourceFinding = (
    source: SourceObject,
    code: FindingCode,
    message: string,
    path: readonly PathSegment[],
    severity: 'error' | 'warning' = 'error',
    identity: { kind?: string; name?: string } = {},
  ) => {
    findings.push({ severity, code, message, ...locate(source, path), ...identity, path: toJsonPath(path) });
  };

  // 1. Classify every document; run the strict schema on managed kinds.
  const managed: ManagedSource[] = [];
  for (const source of sources) {
    const object = source.object;
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      sourceFinding(source, 'NOT_AN_OBJECT', 'document is not a mapping of fields', []);
      continue;
    }
    const { apiVersion, kind, metadata } = object as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    };
    // Before anything else reads it: no message, row or event may carry text the database refuses.
    const unstorable = findUnstorableText(object, MAX_UNSTORABLE_FINDINGS);
    if (unstorable.total > 0) {
      const storable = (value: unknown) =>
        typeof value === 'string' && value !== '' && unstorableCharacter(value) === null ? value : undefined;
      const identity = {
        ...(storable(kind) ? { kind: kind as string } : {}),
        ...(storable(metadata?.name) ? { name: metadata!.name as string } : {}),
      };
      unstorable.found.forEach((entry, index) => {
        const more =
          index === unstorable.found.length - 1 && unstorable.total > unstorable.found.length
            ? `; ${unstorable.total - unstorable.found.length} more in this document`
            : '';
        sourceFinding(
          source,
          'TEXT_UNSTORABLE',
          `the ${entry.where === 'key' ? 'key' : 'value'} at ${toJsonPath(entry.path)} holds ${entry.character}, which the database cannot store${more}`,
          entry.path,
          'error',
          identity,
        );
      });
      continue;
    }
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
      sourceFinding(source, 'MISSING_TYPE', 'apiVersion and kind are required', [
        typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind',
      ]);
      continue;
    }
    const name = typeof metadata?.name === 'string' ? metadata.name : '';
    const identity = { kind, ...(name ? { name } : {}) };
    const replacement = legacyApiReplacement(apiVersion, kind);
    if (replacement) {
      sourceFinding(source, 'LEGACY_API', replacement, ['apiVersion'], 'error', identity);
      continue;
    }
    const info = findKind(apiVersion, kind);
    if (!info) {
      if (isHedgehogApiVersion(apiVersion))
        sourceFinding(
          source,
          'UNKNOWN_KIND',
          `${apiVersion} ${kind} is not a kind this fabric release serves`,
          ['kind'],
          'error',
          identity,
        );
      else
        sourceFinding(
          source,
          'NOT_HEDGEHOG_OBJECT',
          `${apiVersion} ${kind} is not a Hedgehog object; it is ignored`,
          ['kind'],
          'warning',
          identity,
        );
      continue;
    }
    if (info.role === 'internal') {
      sourceFinding(
        source,
        'INTERNAL_KIND',
        `${kind} is managed by the fabric's controllers and is never synced; it is ignored`,
        ['kind'],
        'warning',
        identity,
      );
      continue;
    }
    if (info.role === 'readOnlyCatalog') {
      sourceFinding(
        source,
        'READ_ONLY_KIND',
        `${kind} objects are the fabric's built-in catalog; custom profiles are not managed, it is ignored`,
        ['kind'],
        'warning',
        identity,
      );
      continue;
    }
    const schema = checkSchema(kind, object);
    for (const finding of schema.findings)
      sourceFinding(source, finding.code, finding.message, finding.path, 'error', identity);
    if (!name) continue; // reported by the schema (metadata.name is required)
    const namespace =
      typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_NAMESPACE;
    managed.push({ source, info, schema, name, namespace });
  }

  // 2. Index: existing objects first, then input objects (which replace existing ones).
  const records = new Map<string, ObjectRecord>();
  // Schema-valid objects; readable ones (valid, or with findings that keep their shape) go through the rules.
  const validity = new Map<ObjectRecord, boolean>();
  const readability = new Map<ObjectRecord, boolean>();
  const inputRecords: ObjectRecord[] = [];
  let order = 0;
  const keyOf = (kind: string, namespace: string, name: string) => `${kind}|${namespace}|${name}`;
  for (const object of options.existing ?? []) {
    const canonical = canonicalize(object);
    const record: ObjectRecord = {
      kind: canonical.kind,
      name: canonical.metadata.name,
      namespace: canonical.metadata.namespace ?? DEFAULT_NAMESPACE,
      object: canonical,
      raw: object,
      order: order++,
    };
    records.set(keyOf(record.kind, record.namespace, record.name), record);
    const schema = checkSchema(record.kind, object);
    validity.set(record, schema.valid);
    readability.set(record, schema.readable);
  }
  const existingOnly = new Map(records);
  const kept = new Set(
    (options.keepExisting ?? []).map((identity) => keyOf(identity.kind, identity.namespace, identity.name)),
  );
  const seenInput = new Map<string, ObjectRecord>();
  for (const { source, info, schema, name, namespace } of managed) {
    const key = keyOf(info.kind, namespace, name);
    const earlier = seenInput.get(key);
    if (earlier) {
      const where =
        earlier.file !== undefined
          ? ` in ${earlier.file}${earlier.documentIndex !== undefined ? ` (document ${earlier.documentIndex})` : ''}`
          : '';
      sourceFinding(
        source,
        'DUPLICATE_OBJECT',
        `${info.kind} ${namespace}/${name} is already defined${where}`,
        ['metadata', 'name'],
        'error',
        { kind: info.kind, name },
      );
      continue;
    }
    const canonical = canonicalize(source.object as HedgehogObject);
    // The object as written is kept for the rules that point into lists the canonical form
    // re-sorted. When it is the canonical form already (every file the gateway wrote), one
    // object serves as both and the parsed one can go: at 50,000 files, some 90 MB of heap less
    // held through the rules (docs/performance.md, "Big fabrics").
    if (isDeepStrictEqual(source.object, canonical)) source.object = canonical;
    const record: ObjectRecord = {
      kind: info.kind,
      name,
      namespace,
      object: canonical,
      raw: source.object,
      order: order++,
      ...(source.file === undefined ? {} : { file: source.file }),
      ...(source.documentIndex === undefined ? {} : { documentIndex: source.documentIndex }),
      ...(source.positionOf ? { positionOf: source.positionOf } : {}),
    };
    if (!kept.has(key) || !records.has(key)) records.set(key, record);
    seenInput.set(key, record);
    validity.set(record, schema.valid);
    readability.set(record, schema.readable);
    inputRecords.push(record);
  }

  // 3. Rules.
  const inputSet = new Set(inputRecords);
  const errorsByRecord = new Set<ObjectRecord>();
  const byKind = indexByKind(records, readability);
  const hydration = wiringHydration({ all: (kind) => byKind.get(kind) ?? [] });
  const context = makeContext(config, hydration.status, records, byKind, (record, finding) => {
    const severity = finding.severity ?? 'error';
    if (severity === 'error') errorsByRecord.add(record);
    if (!inputSet.has(record)) return;
    findings.push({
      severity,
      code: finding.code,
      message: finding.message,
      ...(record.file === undefined ? {} : { file: record.file }),
      ...(record.documentIndex === undefined ? {} : { documentIndex: record.documentIndex }),
      ...(record.positionOf ? record.positionOf(finding.path) : {}),
      kind: record.kind,
      name: record.name,
      path: toJsonPath(finding.path),
    });
  });
  const anyInvalid = [...validity.values()].some((valid) => !valid);
  // A malformed object that others reference can surprise a rule reading it; its own schema
  // findings already explain the problem, so the rule's crash is not reported twice.
  const guarded = (run: () => void) => {
    try {
      run();
    } catch (error) {
      if (!anyInvalid) throw error;
    }
  };
  // Per-object rules run on input objects only: findings about existing objects are not reported,
  // so checking them would only cost time (a one-object draft against a 10,000-object fabric).
  for (const record of inputRecords) {
    if (!readability.get(record)) continue;
    guarded(() => checkMetadata(context, record));
    const rule = KIND_RULES[record.kind];
    if (rule) guarded(() => rule(context, record));
  }
  guarded(() => checkPortsAndLinkIPs(context));
  guarded(() => checkDeviceAddresses(context));
  guarded(() => checkVpcSubnetsAcrossVpcs(context));
  guarded(() => checkAttachmentsPerConnection(context));
  reportHydrationStatus(context, hydration, inputRecords);

  // 3b. Existing objects that refer to input objects are checked again, before and after the
  // change; what they newly fail is reported (without a position: they are not in the input), so
  // a change that breaks them (a port or subnet taken away) does not pass unnoticed.
  const changedNames = new Set(inputRecords.map((record) => record.name));
  const dependents =
    existingOnly.size === 0
      ? []
      : [...records.values()].filter(
          (record) =>
            !inputSet.has(record) &&
            readability.get(record) &&
            KIND_RULES[record.kind] &&
            mentionsAny(record.object.spec, changedNames),
        );
  if (dependents.length > 0) {
    const collect = (lookup: Map<string, ObjectRecord>, kinds: Map<string, ObjectRecord[]>) => {
      const found = new Map<string, { record: ObjectRecord; finding: RuleFinding }>();
      const sink = makeContext(config, hydration.status, lookup, kinds, (record, finding) => {
        found.set(`${record.kind}|${record.name}|${finding.code}|${toJsonPath(finding.path)}|${finding.message}`, {
          record,
          finding,
        });
      });
      for (const record of dependents) guarded(() => KIND_RULES[record.kind]!(sink, record));
      return found;
    };
    const before = collect(existingOnly, indexByKind(existingOnly, readability));
    for (const [key, { record, finding }] of collect(records, byKind)) {
      if (before.has(key)) continue;
      findings.push({
        severity: finding.severity ?? 'error',
        code: finding.code,
        message: `${finding.message} (existing ${record.kind} ${record.name}, after this change)`,
        kind: record.kind,
        name: record.name,
        path: toJsonPath(finding.path),
      });
    }
  }

  // 4. Results: every input object with its canonical form, valid or not.
  const objects: ValidatedObject[] = inputRecords.map((record) =>
    validatedObject(record, validity.get(record) === true && !errorsByRecord.has(record)),
  );
  findings.sort(compareFindings);
  const errors = findings.filter((finding) => finding.severity === 'error');
  const warnings = findings.filter((finding) => finding.severity === 'warning');
  return { valid: errors.length === 0, errors, warnings, objects };
}

/**
 * The result for one input object. Its canonical YAML and the two hashes of it are computed when
 * first read: a pull writes the canonical object and never reads them, and rendering and hashing
 * 50,000 objects it does not need cost time and memory. Only the canonical object is held (not
 * the record, which holds the text and the object as written).
 *
 * A class, with the lazy fields as getters on its prototype: an object per result and nothing
 * more. Getters defined on each result (closures, accessor pairs, and the result turned into a
 * dictionary) held some 1.5 KB per object, about 74 MB at 50,000 objects, more than the
 * canonical objects themselves (docs/performance.md, "Big fabrics").
 */
class ValidatedResult implements ValidatedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  declare file?: string;
  declare documentIndex?: number;
  object: HedgehogObject;
  valid: boolean;
  #text: string | undefined;
  #sha256: string | undefined;
  #oid: string | undefined;

  constructor(record: ObjectRecord, valid: boolean) {
    this.apiVersion = record.object.apiVersion;
    this.kind = record.kind;
    this.namespace = record.namespace;
    this.name = record.name;
    if (record.file !== undefined) this.file = record.file;
    if (record.documentIndex !== undefined) this.documentIndex = record.documentIndex;
    this.object = record.object;
    this.valid = valid;
  }

  get canonicalYaml(): string {
    this.#text ??= renderCanonicalObjectYaml(this.object);
    return this.#text;
  }

  get sha256(): string {
    this.#sha256 ??= sha256Hex(this.canonicalYaml);
    return this.#sha256;
  }

  get gitBlobOid(): string {
    this.#oid ??= gitBlobOid(this.canonicalYaml);
    return this.#oid;
  }
}

function validatedObject(record: ObjectRecord, valid: boolean): ValidatedObject {
  return new ValidatedResult(record, valid);
}

type KindRule = (ctx: RuleContext, record: ObjectRecord) => void;

function indexByKind(
  records: ReadonlyMap<string, ObjectRecord>,
  readability: ReadonlyMap<ObjectRecord, boolean>,
): Map<string, ObjectRecord[]> {
  const byKind = new Map<string, ObjectRecord[]>();
  for (const record of [...records.values()].sort((a, b) => a.order - b.order)) {
    if (!readability.get(record)) continue;
    const list = byKind.get(record.kind) ?? [];
    list.push(record);
    byKind.set(record.kind, list);
  }
  return byKind;
}

function makeContext(
  config: FabricConfig,
  hydration: HydrationStatus,
  records: ReadonlyMap<string, ObjectRecord>,
  byKind: ReadonlyMap<string, ObjectRecord[]>,
  report: RuleContext['report'],
): RuleContext {
  return {
    config,
    hydration,
    lookup: (kind, namespace, name) => records.get(`${kind}|${namespace}|${name}`),
    all: (kind) => byKind.get(kind) ?? [],
    report,
  };
}

/**
 * hhfab's `ensureHydrated` judges the wiring as a whole: `if-not-present` refuses a partly
 * hydrated one, `never` anything short of full. One finding says so, on the first input object
 * with a missing field (the per-object findings list the rest); nothing when the gaps are all in
 * existing objects.
 */
function reportHydrationStatus(ctx: RuleContext, hydration: Hydration, inputRecords: readonly ObjectRecord[]): void {
  const mode = ctx.config.hydrationMode;
  const refused =
    (mode === 'if-not-present' && hydration.status === 'partial') || (mode === 'never' && hydration.status !== 'full');
  if (!refused) return;
  const first = inputRecords.find((record) => hydration.gaps.has(record));
  if (!first) return;
  const counts = `${hydration.total - hydration.missing} of ${hydration.total} hydrated fields are set (switch and gateway ASNs and addresses, link IPs)`;
  ctx.report(first, {
    code: 'HYDRATION_STATUS',
    message:
      mode === 'never'
        ? `the wiring is not fully hydrated while hydration mode is never: ${counts}; hhfab refuses it ("wiring is not fully hydrated while hydration is disabled")`
        : `the wiring is partially hydrated: ${counts}; hhfab's hydration mode if-not-present refuses it ("wiring is already partially hydrated"). Fill in the rest, remove the hydrated values, or use hydration mode override`,
    path: hydration.gaps.get(first)!,
  });
}

const KIND_RULES: Readonly<Record<string, KindRule>> = {
  Switch: checkSwitch,
  VLANNamespace: checkVlanNamespace,
  Connection: checkConnection,
  IPv4Namespace: checkIpv4Namespace,
  VPC: checkVpc,
  VPCAttachment: checkVpcAttachment,
  VPCPeering: checkVpcPeering,
  External: checkExternal,
  ExternalAttachment: checkExternalAttachment,
  ExternalPeering: checkExternalPeering,
  Gateway: checkGateway,
  GatewayPeering: checkGatewayPeering,
};

function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.documentIndex ?? -1) - (b.documentIndex ?? -1) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}

/** Turns zod issues into findings: one per unknown key, positions at the offending field. */
export function schemaFindings(
  issues: readonly z.core.$ZodIssue[],
  object: unknown,
): { code: FindingCode; message: string; path: PathSegment[] }[] {
  const out: { code: FindingCode; message: string; path: PathSegment[] }[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    const field = toJsonPath(path);
    if (issue.code !== 'unrecognized_keys' && valueAt(object, path) === undefined) {
      out.push({ code: 'SCHEMA_REQUIRED', message: `${field} is required`, path });
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys)
          out.push({
            code: 'SCHEMA_UNKNOWN_FIELD',
            message: `unknown field ${JSON.stringify(key)} in ${field} (decoding is strict)`,
            path: [...path, key],
          });
        break;
      case 'invalid_type':
        out.push({
          code: 'SCHEMA_TYPE',
          message: `${field} must be ${issue.expected === 'record' || issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${describeValue(valueAt(object, path))}`,
          path,
        });
        break;
      case 'invalid_value':
        out.push({
          code: 'SCHEMA_ENUM',
          message: `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`,
          path,
        });
        break;
      case 'invalid_format':
        out.push({
          code: 'SCHEMA_FORMAT',
          message: `${field} ${issue.message.startsWith('Invalid') ? `does not match the required format ${'pattern' in issue ? issue.pattern : issue.format}` : issue.message}`,
          path,
        });
        break;
      case 'custom':
        out.push({ code: 'SCHEMA_FORMAT', message: `${field} ${issue.message}`, path });
        break;
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const what =
          issue.origin === 'array' ? `${bound} items` : issue.origin === 'string' ? `${bound} characters` : bound;
        out.push({ code: 'SCHEMA_RANGE', message: `${field} must be ${what}`, path });
        break;
      }
      default:
        out.push({ code: 'SCHEMA_TYPE', message: `${field}: ${issue.message}`, path });
    }
  }
  return out;
}

function valueAt(object: unknown, path: readonly PathSegment[]): unknown {
  let node = object;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
