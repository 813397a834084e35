import type { Finding } from '../../hedgehog/findings.ts';
import type { ValidatedObject } from '../../hedgehog/validate.ts';
import type { BoundedValidationResult } from '../../manifest-validator/manifest-validator.ts';
import { builder } from '../builder.ts';

const SeverityEnum = builder.enumType('FindingSeverity', {
  values: { ERROR: { value: 'error' }, WARNING: { value: 'warning' } } as const,
});

export const FindingRef = builder.objectRef<Finding>('ValidationFinding').implement({
  description: 'One problem found in a manifest, with where it is.',
  fields: (t) => ({
    severity: t.field({ type: SeverityEnum, resolve: (finding) => finding.severity }),
    code: t.exposeString('code', { description: 'Stable code, e.g. CONNECTION_PORT_IN_USE (see docs/validation.md).' }),
    message: t.exposeString('message'),
    file: t.exposeString('file', { nullable: true }),
    documentIndex: t.exposeInt('documentIndex', {
      nullable: true,
      description: '0-based index of the YAML document in its file.',
    }),
    line: t.exposeInt('line', { nullable: true }),
    column: t.exposeInt('column', { nullable: true }),
    kind: t.exposeString('kind', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
    path: t.exposeString('path', {
      description: 'JSON path inside the object, e.g. $.spec.unbundled.link.switch.port.',
    }),
  }),
});

const ValidatedObjectRef = builder.objectRef<ValidatedObject>('ValidatedObject').implement({
  fields: (t) => ({
    apiVersion: t.exposeString('apiVersion'),
    kind: t.exposeString('kind'),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('name'),
    valid: t.exposeBoolean('valid'),
    canonicalYaml: t.exposeString('canonicalYaml', { description: 'Exactly what the gateway would write to Git.' }),
    sha256: t.exposeString('sha256'),
    gitBlobOid: t.exposeString('gitBlobOid'),
  }),
});

const ValidationResultRef = builder.objectRef<BoundedValidationResult>('ValidationResult').implement({
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    errors: t.field({
      type: [FindingRef],
      description: 'The first VALIDATION_MAX_FINDINGS errors (errorCount says how many there are).',
      resolve: (result) => result.errors,
    }),
    warnings: t.field({
      type: [FindingRef],
      description: 'The first VALIDATION_MAX_FINDINGS warnings (warningCount says how many there are).',
      resolve: (result) => result.warnings,
    }),
    errorCount: t.exposeInt('errorCount', { description: 'Every error found, also those not listed.' }),
    warningCount: t.exposeInt('warningCount', { description: 'Every warning found, also those not listed.' }),
    findingsTruncated: t.exposeBoolean('findingsTruncated', {
      description: 'True when errors or warnings list only the first VALIDATION_MAX_FINDINGS.',
    }),
    objects: t.field({ type: [ValidatedObjectRef], resolve: (result) => result.objects }),
  }),
});

builder.queryFields((t) => ({
  validateManifests: t.field({
    type: ValidationResultRef,
    description:
      'Checks multi-document YAML like `hhfab validate`, reporting every finding with its position. With a fabricId the input is checked together with the fabric (its Git state with pending drafts applied). Changes nothing. At most MAX_YAML_BYTES bytes and MAX_YAML_DOCUMENTS documents; large inputs are validated on worker threads and stopped after VALIDATION_TIMEOUT_MS.',
    args: { yaml: t.arg.string({ required: true }), fabricId: t.arg.id() },
    resolve: async (_root, args, context) => {
      if (args.fabricId != null) {
        await context.services.fabrics.get(String(args.fabricId));
        return context.services.resources.validate(String(args.fabricId), { yaml: args.yaml });
      }
      return context.services.resources.validate(null, { yaml: args.yaml });
    },
  }),
}));
