import type { ValidationResult } from '../hedgehog/validate.ts';
import { validateManifestInput, type ManifestValidationInput } from '../resource/manifest-validation.ts';
import { DomainError } from '../errors.ts';

/**
 * Validation of manifests as a port: the GraphQL layer and the services ask it, the composition
 * root decides whether the work runs on the event loop or on a worker thread.
 */
export interface ManifestValidator {
  validate(input: ManifestValidationInput): Promise<BoundedValidationResult>;
  /** Validations now running on worker threads, and those finished there. */
  stats(): { runningOnWorkers: number; completedOnWorkers: number };
  close(): Promise<void>;
}

/**
 * YAML up to this many bytes is small: the gateway validates it on the request's thread (app.ts,
 * the worker pool's `inlineBytes`), and the resource service parses it there to scope the
 * fabric it is validated against.
 */
export const SMALL_YAML_BYTES = 64 * 1024;

/** The bounds of one validation request. */
export interface ValidationLimits {
  /** UTF-8 bytes of the YAML text. */
  maxBytes: number;
  /** YAML documents in the text. */
  maxDocuments: number;
  /** Findings of each severity returned; the counts always say how many there were. */
  maxFindings: number;
}

/** A ValidationResult with the finding lists capped; `errorCount`/`warningCount` are the totals. */
export interface BoundedValidationResult extends ValidationResult {
  errorCount: number;
  warningCount: number;
  findingsTruncated: boolean;
}

/**
 * An upper bound on the documents a YAML text holds: one, plus a line for every `---` or `...`
 * marker at the start of a line. Cheap (one scan), so it runs before anything is parsed.
 */
export function countYamlDocuments(text: string): number {
  const markers = text.match(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm);
  return 1 + (markers?.length ?? 0);
}

/** Refuses, before any parsing, input larger than the limits allow; pure. */
export function checkValidationBounds(input: ManifestValidationInput, limits: ValidationLimits): void {
  if (input.yaml === undefined) return;
  const bytes = Buffer.byteLength(input.yaml, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new DomainError('INVALID_INPUT', `The YAML is larger than ${limits.maxBytes} bytes (MAX_YAML_BYTES)`, {
      problems: [{ path: '$.yaml', message: `${bytes} bytes; at most ${limits.maxBytes}` }],
    });
  }
  const documents = countYamlDocuments(input.yaml);
  if (documents > limits.maxDocuments) {
    throw new DomainError(
      'INVALID_INPUT',
      `The YAML holds more than ${limits.maxDocuments} documents (MAX_YAML_DOCUMENTS)`,
      {
        problems: [{ path: '$.yaml', message: `about ${documents} documents; at most ${limits.maxDocuments}` }],
      },
    );
  }
}

/** Validates and caps the finding lists; runs wherever it is called (the worker calls it too). */
export function validateBounded(input: ManifestValidationInput, maxFindings: number): BoundedValidationResult {
  const result = validateManifestInput(input);
  const errorCount = result.errors.length;
  const warningCount = result.warnings.length;
  return {
    ...result,
    errors: errorCount > maxFindings ? result.errors.slice(0, maxFindings) : result.errors,
    warnings: warningCount > maxFindings ? result.warnings.slice(0, maxFindings) : result.warnings,
    errorCount,
    warningCount,
    findingsTruncated: errorCount > maxFindings || warningCount > maxFindings,
  };
}

/** Everything on the calling thread: for scripts and for callers that validate small inputs only. */
export function inlineManifestValidator(limits: ValidationLimits): ManifestValidator {
  return {
    async validate(input) {
      checkValidationBounds(input, limits);
      return validateBounded(input, limits.maxFindings);
    },
    stats: () => ({ runningOnWorkers: 0, completedOnWorkers: 0 }),
    async close() {},
  };
}
