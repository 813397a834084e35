// What a worker thread of the validation pool runs (piscina calls the default export). The built
// server loads the compiled module directly; from the sources, validation-worker.mjs loads it
// through tsx.
import type { MessagePort } from 'node:worker_threads';
import type { ManifestValidationInput } from '../resource/manifest-validation.ts';
import { validateBounded } from './manifest-validator.ts';

export interface ValidationTask {
  input: ManifestValidationInput;
  maxFindings: number;
  started: MessagePort;
}

export default function validate(task: ValidationTask) {
  // The caller's time limit counts from here, not from when the task was queued.
  task.started.postMessage('started');
  task.started.close();
  return validateBounded(task.input, task.maxFindings);
}
