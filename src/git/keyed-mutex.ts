/**
 * One operation at a time per key (a cached clone, a repository), within this process.
 * git's own lock files protect refs across processes; this keeps our fetch/commit/push sequences
 * from interleaving.
 */
const tails = new Map<string, Promise<unknown>>();

export function withKeyedLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
