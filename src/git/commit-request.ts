/**
 * Pure checks shared by both adapters, so bad input fails the same way (INVALID, with the
 * offending location) before anything touches a remote.
 */
import { GitHostError, MAX_HISTORY_PAGE, type CommitRequest, type PathHistoryRequest } from './git-host.ts';

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// Control characters, and the ones git forbids in ref names (git-check-ref-format).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_REF = /[\u0000-\u0020\u007f~^:?*[\\]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isOid(value: string): boolean {
  return OID.test(value);
}

/** Why `name` is not a usable branch name, or null when it is. */
export function branchNameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (FORBIDDEN_IN_REF.test(name)) return 'contains a space, control character or one of ~^:?*[\\';
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/')) return 'starts with - or /, or ends with /';
  if (name.includes('..') || name.includes('//') || name.includes('@{')) return 'contains "..", "//" or "@{"';
  if (name.endsWith('.') || name.endsWith('.lock') || name === '@') return 'ends with "." or ".lock", or is "@"';
  if (name.split('/').some((part) => part.startsWith('.'))) return 'has a component starting with "."';
  return null;
}

/** Why `path` is not a usable file path (relative, `/`-separated, no `.`/`..`/`.git`), or null. */
export function filePathProblem(path: string): string | null {
  if (path === '') return 'is empty';
  if (CONTROL.test(path)) return 'contains a control character';
  if (path.startsWith('/') || path.endsWith('/')) return 'must be relative and name a file (no leading or trailing /)';
  for (const segment of path.split('/')) {
    if (segment === '') return 'contains an empty segment (//)';
    if (segment === '.' || segment === '..') return 'contains a "." or ".." segment';
    if (segment.toLowerCase() === '.git') return 'contains a .git segment';
  }
  return null;
}

export function assertBranchName(name: string, operation: string, location = 'branch'): void {
  const problem = branchNameProblem(name);
  if (problem)
    throw new GitHostError('INVALID', `branch name ${JSON.stringify(name)} ${problem}`, { operation, location });
}

export function assertOid(oid: string, operation: string, location: string): void {
  if (!isOid(oid))
    throw new GitHostError('INVALID', `${JSON.stringify(oid)} is not a git object id`, { operation, location });
}

/** `''` for the root; otherwise the directory without leading or trailing slashes. */
export function normalizeDirectory(directory: string, operation: string): string {
  const trimmed = directory.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const problem = filePathProblem(trimmed);
  if (problem)
    throw new GitHostError('INVALID', `directory ${JSON.stringify(directory)} ${problem}`, {
      operation,
      location: 'directory',
    });
  return trimmed;
}

/**
 * Checks a commit request: branch, expected head, message, every path, each path used once, and
 * no addition that is also a directory of another addition (git cannot hold both).
 */
export function assertValidCommitRequest(request: CommitRequest, operation: string): void {
  assertBranchName(request.branch, operation);
  if (request.expectedHeadOid !== null) assertOid(request.expectedHeadOid, operation, 'expectedHeadOid');
  if (request.message.trim() === '')
    throw new GitHostError('INVALID', 'commit message is empty', { operation, location: 'message' });
  const seen = new Map<string, string>();
  const check = (path: string, location: string) => {
    const problem = filePathProblem(path);
    if (problem) throw new GitHostError('INVALID', `path ${JSON.stringify(path)} ${problem}`, { operation, location });
    const earlier = seen.get(path);
    if (earlier)
      throw new GitHostError('INVALID', `path ${JSON.stringify(path)} appears twice (also at ${earlier})`, {
        operation,
        location,
      });
    seen.set(path, location);
  };
  for (const [index, addition] of request.additions.entries()) check(addition.path, `additions[${index}].path`);
  for (const [index, deletion] of request.deletions.entries()) check(deletion.path, `deletions[${index}].path`);
  const added = new Set(request.additions.map((addition) => addition.path));
  request.additions.forEach((addition, index) => {
    const segments = addition.path.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const parent = segments.slice(0, depth).join('/');
      if (added.has(parent)) {
        throw new GitHostError(
          'INVALID',
          `path ${JSON.stringify(addition.path)} lies inside the added file ${JSON.stringify(parent)}`,
          {
            operation,
            location: `additions[${index}].path`,
          },
        );
      }
    }
  });
}

/** GitHub wants a headline and a body; git keeps the whole message. */
export function splitCommitMessage(message: string): { headline: string; body: string } {
  const newline = message.indexOf('\n');
  if (newline === -1) return { headline: message.trim(), body: '' };
  return {
    headline: message.slice(0, newline).trim(),
    body: message
      .slice(newline + 1)
      .replace(/^\n+/, '')
      .trimEnd(),
  };
}

// A cursor is the adapter's own text; printable ASCII only, and short.
const CURSOR = /^[\u0021-\u007e ]{1,200}$/;

/** Checks a history page: `first` between 1 and MAX_HISTORY_PAGE, `after` a printable cursor. */
export function assertHistoryPage(page: PathHistoryRequest, operation: string): void {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_HISTORY_PAGE) {
    throw new GitHostError('INVALID', `first must be an integer from 1 to ${MAX_HISTORY_PAGE}, not ${page.first}`, {
      operation,
      location: 'first',
    });
  }
  if (page.after != null && !CURSOR.test(page.after)) {
    throw new GitHostError('INVALID', 'the cursor is not one this host handed out', { operation, location: 'after' });
  }
}

/** A file path for `readFile`: like a directory, but never the root. */
export function normalizeFilePath(path: string, operation: string): string {
  const normalized = normalizeDirectory(path, operation);
  if (normalized === '') throw new GitHostError('INVALID', 'the path names no file', { operation, location: 'path' });
  return normalized;
}
