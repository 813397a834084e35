/**
 * Unified diffs of one text file (pure), as `git diff` shows them: `--- a/<path>` / `+++ b/<path>`
 * headers, `/dev/null` for a side that does not exist, three lines of context, `\ No newline at
 * end of file` where it applies. The work is jsdiff's (`diff` on npm: the long-kept JavaScript
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
  return createTwoFilesPatch(
    before.text === null ? '/dev/null' : `a/${before.path}`,
    after.text === null ? '/dev/null' : `b/${after.path}`,
    before.text ?? '',
    after.text ?? '',
    undefined,
    undefined,
    { context: 3, headerOptions: FILE_HEADERS_ONLY },
  );
}
