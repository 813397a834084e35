/**
 * Splits one large change into several commits when a provider's size limit forces it (GitHub
 * takes about 40 MB of content per commit). Pure. The last chunk carries every deletion and the
 * files named in `last` (the raw files' removal and the archive log), so an interrupted run leaves
 * raw/ untouched: running it again finds the earlier chunks' files identical and finishes.
 */
import type { PlannedFile } from './layout.ts';

export interface CommitChunk {
  additions: PlannedFile[];
  deletions: string[];
}

export function chunkChanges(
  change: { additions: readonly PlannedFile[]; deletions: readonly string[] },
  options: { maxBytes: number; last?: ReadonlySet<string> },
): CommitChunk[] {
  const size = (file: PlannedFile) => Buffer.byteLength(file.contents, 'utf8') + Buffer.byteLength(file.path, 'utf8');
  const total = change.additions.reduce((sum, file) => sum + size(file), 0);
  if (total <= options.maxBytes) return [{ additions: [...change.additions], deletions: [...change.deletions] }];
  const finalFiles = change.additions.filter((file) => options.last?.has(file.path));
  const chunks: CommitChunk[] = [];
  let current: PlannedFile[] = [];
  let bytes = 0;
  for (const file of change.additions) {
    if (options.last?.has(file.path)) continue;
    if (current.length > 0 && bytes + size(file) > options.maxBytes) {
      chunks.push({ additions: current, deletions: [] });
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += size(file);
  }
  const finalBytes = finalFiles.reduce((sum, file) => sum + size(file), 0);
  if (current.length > 0 && bytes + finalBytes > options.maxBytes) {
    chunks.push({ additions: current, deletions: [] });
    current = [];
  }
  chunks.push({ additions: [...current, ...finalFiles], deletions: [...change.deletions] });
  return chunks;
}
