import type { HedgehogObject } from '../hedgehog/canonical.ts';
import type { FabricConfig } from '../hedgehog/fabric-config.ts';
import type { Finding } from '../hedgehog/findings.ts';
import {
  validateManifests,
  validateObjects,
  type ValidatedObject,
  type ValidationResult,
} from '../hedgehog/validate.ts';
import { invalidManifest } from './manifest-input.ts';

export interface ManifestValidationInput {
  yaml?: string;
  object?: unknown;
  /**
   * Many objects at once (each may be a `SourceObject` naming its file), e.g. a whole fabric with
   * its drafts applied; used instead of `yaml` and `object` when given.
   */
  objects?: readonly unknown[];
  existing: readonly HedgehogObject[];
  fabricConfig?: Partial<FabricConfig>;
}

export function validateManifestInput(input: ManifestValidationInput): ValidationResult {
  const options = { existing: input.existing, ...(input.fabricConfig ? { fabricConfig: input.fabricConfig } : {}) };
  if (input.objects !== undefined) return validateObjects(input.objects, options);
  return input.yaml !== undefined
    ? validateManifests({ files: [{ path: 'manifest.yaml', text: input.yaml }], ...options })
    : validateObjects([input.object], options);
}

/**
 * The one valid object a draft edit must consist of, or a refusal that lists every finding with
 * its code, line, column and JSON path.
 */
export function requireOneValidObject(result: ValidationResult): ValidatedObject {
  const object = result.objects[0];
  if (result.valid && result.objects.length === 1 && object?.valid) return object;
  const findings: Finding[] = [...result.errors, ...(result.objects.length === 0 ? result.warnings : [])];
  if (findings.length === 0)
    findings.push({
      severity: 'error',
      code: 'NO_OBJECT',
      message: 'the manifest holds no Hedgehog object',
      path: '$',
    });
  throw invalidManifest(
    findings.map((finding) => ({
      message: finding.message,
      path: finding.path,
      code: finding.code,
      severity: finding.severity,
      ...(finding.line === undefined ? {} : { line: finding.line, column: finding.column ?? 1 }),
    })),
  );
}
