// The worker-thread entry of the validation pool (piscina loads it in every thread). Plain
// JavaScript so Node can load it without a TypeScript loader; it brings in tsx for the sources.
import { tsImport } from 'tsx/esm/api';

const { validateBounded } = await tsImport('./manifest-validator.ts', import.meta.url);

/** @param {{ input: unknown, maxFindings: number, started: import('node:worker_threads').MessagePort }} task */
export default function validate(task) {
  // The caller's time limit counts from here, not from when the task was queued.
  task.started.postMessage('started');
  task.started.close();
  return validateBounded(task.input, task.maxFindings);
}
