/**
 * A full collection for the memory tests, after the current job: WeakRef targets made in it are
 * kept until it ends, so the collection runs in the next turns. It repeats until the heap stops
 * shrinking (what one collection frees can release more in the next), at most eight times.
 *
 * Importing this module turns off V8's optimizing compilation on background threads for the test
 * file. A background job holds the closure it optimizes, and with it every variable of the
 * enclosing call still captured: a validation's 4,900 records (2.4 MB) stayed for a random number
 * of collections after the call returned, until the job was finished on the main thread, and a
 * test counting bytes per object failed half of its runs. `gc` is exposed for one call and taken
 * from one new context per test file.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

v8.setFlagsFromString('--no-concurrent-recompilation');

/** Less than this freed by one more collection counts as settled. */
const SETTLED_BYTES = 16 * 1024;

let gc: (() => void) | undefined;

function exposedGc(): () => void {
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
  }
  return gc;
}

export async function collectGarbage(): Promise<void> {
  const collect = exposedGc();
  let before = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 8; round += 1) {
    await nextTurn();
    collect();
    const used = v8.getHeapStatistics().used_heap_size;
    if (before - used < SETTLED_BYTES) return;
    before = used;
  }
}
