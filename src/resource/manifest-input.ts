import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { DomainError } from '../errors.ts';

/**
 * Turns the YAML (or structured input) of one API edit into a plain Kubernetes-style object, or
 * refuses it with every problem and its line, column and JSON path. Whole-fabric validation lives
 * in the Hedgehog catalog; this only guarantees a single object with apiVersion, kind and name.
 */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  [key: string]: unknown;
}

export interface InputProblem {
  message: string;
  path: string;
  line?: number;
  column?: number;
  /** Stable finding code from the Hedgehog catalog, when the problem is one of its rules. */
  code?: string;
  severity?: 'error' | 'warning';
}

export function invalidManifest(problems: InputProblem[]): DomainError {
  const where = (problem: InputProblem) =>
    problem.line ? `line ${problem.line}, column ${problem.column ?? 1}` : problem.path;
  return new DomainError(
    'INVALID_INPUT',
    `Invalid manifest: ${problems.map((problem) => `${where(problem)}: ${problem.message}`).join('; ')}`,
    { problems },
  );
}

export function parseSingleManifest(text: string, options: { maxBytes: number }): ManifestObject {
  if (Buffer.byteLength(text, 'utf8') > options.maxBytes) {
    throw invalidManifest([{ message: `the YAML is larger than ${options.maxBytes} bytes`, path: '$' }]);
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [];
  const problems: InputProblem[] = [];
  for (const document of list) {
    for (const error of document.errors) {
      const position = lineCounter.linePos(error.pos[0]);
      problems.push({
        message: error.message.split('\n')[0] ?? error.message,
        path: '$',
        line: position.line,
        column: position.col,
      });
    }
  }
  if (problems.length > 0) throw invalidManifest(problems);
  const nonEmpty = list.filter((document) => document.contents !== null);
  if (nonEmpty.length !== 1) {
    throw invalidManifest([{ message: `expected exactly one YAML document, found ${nonEmpty.length}`, path: '$' }]);
  }
  const document = nonEmpty[0] as Document.Parsed;
  if (!isMap(document.contents)) {
    const position = lineCounter.linePos(document.contents?.range?.[0] ?? 0);
    throw invalidManifest([
      { message: 'the document must be a mapping', path: '$', line: position.line, column: position.col },
    ]);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalidManifest([{ message: (error as Error).message, path: '$' }]);
  }
  // A missing field is reported at the nearest enclosing node that exists.
  return checkManifestShape(value, (path) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const position = lineCounter.linePos(node.range[0]);
        return { line: position.line, column: position.col };
      }
    }
    return undefined;
  });
}

type Locate = (path: string[]) => { line: number; column: number } | undefined;

/** Deepest nesting accepted in a manifest; real Hedgehog objects stay well under 16. */
export const MAX_MANIFEST_DEPTH = 64;

/** Nesting depth, measured without recursion so that hostile input cannot exhaust the stack. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The minimal shape every manifest must have; used for YAML and for structured input alike. */
export function checkManifestShape(value: unknown, locate: Locate = () => undefined): ManifestObject {
  if (nestingDepth(value, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH) {
    throw invalidManifest([{ message: `the manifest is nested deeper than ${MAX_MANIFEST_DEPTH} levels`, path: '$' }]);
  }
  const problems: InputProblem[] = [];
  const object = (value ?? {}) as Record<string, unknown>;
  const need = (path: string[], test: (v: unknown) => boolean, message: string) => {
    let current: unknown = object;
    for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
    if (!test(current)) problems.push({ message, path: ['$', ...path].join('.'), ...locate(path) });
  };
  const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;
  need(['apiVersion'], nonEmptyString, 'apiVersion is required');
  need(['kind'], nonEmptyString, 'kind is required');
  need(['metadata'], (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'metadata must be a mapping');
  need(['metadata', 'name'], nonEmptyString, 'metadata.name is required');
  need(
    ['metadata', 'namespace'],
    (v) => v === undefined || nonEmptyString(v),
    'metadata.namespace must be a non-empty string',
  );
  const isStringMap = (v: unknown) =>
    v === undefined ||
    v === null ||
    (typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string'));
  need(['metadata', 'labels'], isStringMap, 'metadata.labels must map strings to strings');
  need(['metadata', 'annotations'], isStringMap, 'metadata.annotations must map strings to strings');
  if (problems.length > 0) throw invalidManifest(problems);
  return object as ManifestObject;
}
