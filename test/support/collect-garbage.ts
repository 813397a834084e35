/**
 * A full collection for the memory tests, after the current job: WeakRef targets made in it are
 * kept until it ends, so the collection runs in the next turns, twice (what the first frees can
 * release more in the second). Exposes `gc` for the call only.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

export async function collectGarbage(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  await nextTurn();
  gc();
  await nextTurn();
  gc();
}
