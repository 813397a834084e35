// The worker-thread entry of the validation pool when the gateway runs from its TypeScript
// sources (tsx, vitest): a worker thread starts without the parent's TypeScript loader, so this
// plain JavaScript module brings in tsx for the task. The built server (dist/) loads the compiled
// validation-task.js instead; see validationWorkerUrl.
import { tsImport } from 'tsx/esm/api';

const { default: validate } = await tsImport('./validation-task.ts', import.meta.url);
export default validate;
