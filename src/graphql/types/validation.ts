import type { Finding } from '../../hedgehog/findings.ts';
import type { ValidatedObject } from '../../hedgehog/validate.ts';
import type { BoundedValidationResult } from '../../manifest-validator/manifest-validator.ts';
import { builder } from '../builder.ts';

const SeverityEnum = builder.enumType('FindingSeverity', {
  description: 'How bad a validation finding is.',
  values: {
    ERROR: { value: 'error', description: 'The manifest is refused (hhfab validate fails).' },
    WARNING: { value: 'warning', description: 'Accepted, but probably not what was meant.' },
  } as const,
});

export const FindingRef = builder.objectRef<Finding>('ValidationFinding').implement({
  description: 'One problem found in a manifest, with where it is.',
  fields: (t) => ({
    severity: t.field({ type: SeverityEnum, description: 'Error or warning.', resolve: (finding) => finding.severity }),
    code: t.exposeString('code', { description: 'Stable code, e.g. CONNECTION_PORT_IN_USE (see docs/validation.md).' }),
    message: t.exposeString('message', { description: 'The finding in words.' }),
    file: t.exposeString('file', {
      nullable: true,
      description: 'The file it is in; null for input given as one text.',
    }),
    documentIndex: t.exposeInt('documentIndex', {
      nullable: true,
      description: '0-based index of the YAML document in its file.',
    }),
    line: t.exposeInt('line', { nullable: true, description: '1-based line in the file; null when not known.' }),
    column: t.exposeInt('column', { nullable: true, description: '1-based column; null when not known.' }),
    kind: t.exposeString('kind', { nullable: true, description: 'Kind of the object; null when unreadable.' }),
    name: t.exposeString('name', { nullable: true, description: 'Name of the object; null when unreadable.' }),
    path: t.exposeString('path', {
      description: 'JSON path inside the object, e.g. $.spec.unbundled.link.switch.port.',
    }),
  }),
});

const ValidatedObjectRef = builder.objectRef<ValidatedObject>('ValidatedObject').implement({
  description: 'One object of the input as the gateway would store it.',
  fields: (t) => ({
    apiVersion: t.exposeString('apiVersion', { description: 'e.g. "vpc.githedgehog.com/v1beta1".' }),
    kind: t.exposeString('kind', { description: 'e.g. "VPC".' }),
    namespace: t.exposeString('namespace', { description: 'Namespace; "default" when not given.' }),
    name: t.exposeString('name', { description: 'metadata.name.' }),
    valid: t.exposeBoolean('valid', { description: 'No error is about this object.' }),
    canonicalYaml: t.exposeString('canonicalYaml', { description: 'Exactly what the gateway would write to Git.' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of canonicalYaml, hex.' }),
    gitBlobOid: t.exposeString('gitBlobOid', { description: 'The Git blob id canonicalYaml would have.' }),
  }),
});

const ValidationResultRef = builder.objectRef<BoundedValidationResult>('ValidationResult').implement({
  description: 'The outcome of validateManifests.',
  fields: (t) => ({
    valid: t.exposeBoolean('valid', { description: 'No errors (warnings allowed).' }),
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
    objects: t.field({
      type: [ValidatedObjectRef],
      description: 'Every object read from the input, in order.',
      resolve: (result) => result.objects,
    }),
  }),
});

builder.queryFields((t) => ({
  validateManifests: t.field({
    type: ValidationResultRef,
    description:
      'Checks multi-document YAML like `hhfab validate`, reporting every finding with its position. With a fabricId the input is checked together with the fabric (its Git state with pending drafts applied). Changes nothing. At most MAX_YAML_BYTES bytes and MAX_YAML_DOCUMENTS documents; large inputs are validated on worker threads and stopped after VALIDATION_TIMEOUT_MS.',
    args: {
      yaml: t.arg.string({ required: true, description: 'Multi-document YAML.' }),
      fabricId: t.arg.id({ description: 'Check together with this fabric (UUID); omit to check the input alone.' }),
    },
    resolve: async (_root, args, context) => {
      if (args.fabricId != null) {
        await context.services.fabrics.get(String(args.fabricId));
        return context.services.resources.validate(String(args.fabricId), { yaml: args.yaml });
      }
      return context.services.resources.validate(null, { yaml: args.yaml });
    },
  }),
}));
