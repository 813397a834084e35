/** Unified diffs of one file, as git prints them (pure). */
import { describe, expect, it } from 'vitest';
import { unifiedFileDiff } from '../../src/diff/file-diff.ts';

describe('unifiedFileDiff', () => {
  it('writes git-style headers, /dev/null for a missing side, and hunks with three lines of context', () => {
    expect(unifiedFileDiff({ path: 'x.yaml', text: null }, { path: 'x.yaml', text: 'a: 1\nb: 2\n' })).toBe(
      '--- /dev/null\n+++ b/x.yaml\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n',
    );
    expect(unifiedFileDiff({ path: 'x.yaml', text: 'a: 1\n' }, { path: 'x.yaml', text: null })).toBe(
      '--- a/x.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-a: 1\n',
    );
    const before = Array.from({ length: 10 }, (_, index) => `k${index}: ${index}\n`).join('');
    const after = before.replace('k5: 5', 'k5: 50');
    expect(unifiedFileDiff({ path: 'old.yaml', text: before }, { path: 'new.yaml', text: after })).toBe(
      '--- a/old.yaml\n+++ b/new.yaml\n@@ -3,7 +3,7 @@\n k2: 2\n k3: 3\n k4: 4\n-k5: 5\n+k5: 50\n k6: 6\n k7: 7\n k8: 8\n',
    );
  });

  it('is empty for equal texts and says when a file lacks its last newline', () => {
    expect(unifiedFileDiff({ path: 'x', text: 'same\n' }, { path: 'x', text: 'same\n' })).toBe('');
    expect(unifiedFileDiff({ path: 'x', text: null }, { path: 'x', text: null })).toBe('');
    expect(unifiedFileDiff({ path: 'x', text: 'a: 1\n' }, { path: 'x', text: 'a: 2\n' })).toBe(
      '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a: 1\n+a: 2\n',
    );
    expect(unifiedFileDiff({ path: 'x', text: 'a' }, { path: 'x', text: 'a\n' })).toContain(
      '\\ No newline at end of file',
    );
  });
});
