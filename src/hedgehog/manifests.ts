/**
 * Reads multi-document YAML into plain objects that remember where each field was written, so
 * later findings can point at a line and column. Never throws on bad input: problems become findings.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Finding } from './findings.ts';

export type PathSegment = string | number;

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface ManifestDocument {
  file?: string;
  /** 0-based index of the document in its file, counting empty documents too. */
  index: number;
  /** The document as plain JSON-like data (maps are plain objects). */
  object: unknown;
  /**
   * Position of the field at `path`, or of the nearest enclosing field that exists (so a missing
   * required field points at its parent). Scalars point at the value, collections at their key.
   */
  positionOf(path: readonly PathSegment[]): SourcePosition;
}

export interface ParseManifestsOptions {
  file?: string;
  /** Refuse texts longer than this many bytes (UTF-8). @default 64 MiB */
  maxBytes?: number;
  /** yaml's alias-expansion guard (billion laughs). @default 100 */
  maxAliasCount?: number;
  /** Deepest nesting accepted in one document. @default 64 */
  maxDepth?: number;
}

export interface ParsedManifests {
  documents: ManifestDocument[];
  findings: Finding[];
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ALIAS_COUNT = 100;
export const DEFAULT_MAX_DEPTH = 64;

export function parseManifests(text: string, options: ParseManifestsOptions = {}): ParsedManifests {
  const {
    file,
    maxBytes = DEFAULT_MAX_BYTES,
    maxAliasCount = DEFAULT_MAX_ALIAS_COUNT,
    maxDepth = DEFAULT_MAX_DEPTH,
  } = options;
  const findings: Finding[] = [];
  const documents: ManifestDocument[] = [];
  const where = file === undefined ? {} : { file };

  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    findings.push({
      severity: 'error',
      code: 'YAML_LIMIT',
      message: `file is ${size} bytes, above the limit of ${maxBytes}`,
      ...where,
      line: 1,
      column: 1,
      path: '$',
    });
    return { documents, findings };
  }

  const lineCounter = new LineCounter();
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true }) as Document.Parsed[];
  } catch (error) {
    // The composer recurses per nesting level; absurdly deep flow collections overflow the stack.
    findings.push({
      severity: 'error',
      code: 'YAML_LIMIT',
      message: `YAML could not be parsed: ${(error as Error).message}`,
      ...where,
      line: 1,
      column: 1,
      path: '$',
    });
    return { documents, findings };
  }
  // parseAllDocuments returns an EmptyStream (not an array) for text with no documents.
  if (!Array.isArray(parsed)) return { documents, findings };

  const positions = lazyPositions(text);
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  parsed.forEach((doc, index) => {
    const docStart = position(doc.range[0]);
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const at = error.linePos?.[0] ?? { line: docStart.line, col: docStart.column };
        findings.push({
          severity: 'error',
          code: 'YAML_SYNTAX',
          message: error.message.split('\n')[0] ?? error.message,
          ...where,
          documentIndex: index,
          line: at.line,
          column: at.col,
          path: '$',
        });
      }
      return;
    }
    if (doc.contents === null) return; // an empty document (only comments, or `---` twice)

    let object: unknown;
    try {
      object = doc.toJS({ maxAliasCount });
    } catch (error) {
      findings.push({
        severity: 'error',
        code: 'YAML_LIMIT',
        message: (error as Error).message,
        ...where,
        documentIndex: index,
        ...docStart,
        path: '$',
      });
      return;
    }
    if (object === null || object === undefined) return; // `---` followed by `---`: an empty document
    if (depthOf(object, maxDepth) > maxDepth) {
      findings.push({
        severity: 'error',
        code: 'YAML_LIMIT',
        message: `document nests deeper than ${maxDepth} levels`,
        ...where,
        documentIndex: index,
        ...docStart,
        path: '$',
      });
      return;
    }
    documents.push({
      ...where,
      index,
      object,
      positionOf: positionIn(positions, index),
    });
  });
  return { documents, findings };
}

/**
 * The document's `positionOf`, made out here so that it holds the file's positions and nothing
 * else: a closure made inside `parseManifests` keeps that call's scope (every document parsed,
 * the line counter) for as long as any document's `positionOf` lives, so a validation that
 * replaced the parsed objects by their canonical forms still kept them all.
 */
function positionIn(
  positions: ReturnType<typeof lazyPositions>,
  index: number,
): (path: readonly PathSegment[]) => SourcePosition {
  return (path) => positions(index, path);
}

/**
 * Positions in `text`, found by parsing it again the first time one is asked for (once per
 * file: most files never need one). Keeping each document's syntax tree for its findings instead
 * held about 340 MB for the 50,000 files of a first pull until validation ended.
 */
function lazyPositions(text: string): (index: number, path: readonly PathSegment[]) => SourcePosition {
  let parsed: { documents: Document.Parsed[]; lines: LineCounter } | undefined;
  return (index, path) => {
    if (!parsed) {
      const lines = new LineCounter();
      parsed = {
        documents: parseAllDocuments(text, { lineCounter: lines, prettyErrors: true }) as Document.Parsed[],
        lines,
      };
    }
    const doc = parsed.documents[index]!;
    const { line, col } = parsed.lines.linePos(offsetOf(doc.contents as YamlNode, path) ?? doc.range[0]);
    return { line, column: col };
  };
}

/** Source offset of the node at `path`, or of the deepest existing ancestor. */
function offsetOf(root: YamlNode, path: readonly PathSegment[]): number | undefined {
  let node: unknown = root;
  let best: number | undefined = (root as { range?: [number] }).range?.[0];
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return best;
      const keyStart = (pair.key as YamlNode).range?.[0];
      const value = pair.value;
      if (isScalar(value) && value.range) best = value.range[0];
      else if (keyStart !== undefined) best = keyStart;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item?.range) return best;
      best = item.range[0];
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

/** Depth of plain data, stopping early once past `limit`. Iterative so it cannot overflow. */
function depthOf(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (current !== null && typeof current === 'object') {
      for (const child of Object.values(current)) stack.push([child, depth + 1]);
    }
  }
  return max;
}
