/**
 * Unified diffs of one text file (pure), as `git diff` shows them: `--- a/<path>` / `+++ b/<path>`
 * headers, `/dev/null` for a side that does not exist, three lines of context, `\ No newline at
 * end of file` where it applies, a count of 1 left out of a hunk's range. The work is jsdiff's (`diff` on npm: the long-kept JavaScript
 * implementation of Myers' algorithm with unified-diff output); only the file names are ours.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

export interface FileVersion {
  /** Repository path of the file on this side. */
  path: string;
  /** The text, or null when the file does not exist on this side. */
  text: string | null;
}

/** `''` when both sides hold the same text (or are both absent). */
export function unifiedFileDiff(before: FileVersion, after: FileVersion): string {
  if (before.text === after.text) return '';
  const patch = createTwoFilesPatch(
    before.text === null ? '/dev/null' : `a/${before.path}`,
    after.text === null ? '/dev/null' : `b/${after.path}`,
    before.text ?? '',
    after.text ?? '',
    undefined,
    undefined,
    { context: 3, headerOptions: FILE_HEADERS_ONLY },
  );
  // git leaves out a range's count when it is 1 (`@@ -1 +1,2 @@`); jsdiff writes it (`-1,1`).
  return patch.replace(/^@@ -\S+ \+\S+ @@$/gm, (header) => header.replace(/([-+]\d+),1(?= )/g, '$1'));
}
