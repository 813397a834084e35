/** Rules every object obeys (reference §1): name format and length, namespace `default`. */
import { GATEWAY_GROUP, findKindByName } from '../catalog.ts';
import type { ObjectRecord, RuleContext } from '../rule-context.ts';

const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;
/** VRF names are derived from these, hence the short limit. */
const SHORT_NAME_KINDS = new Set(['VPC', 'IPv4Namespace', 'External']);
const MAX_SHORT_NAME_LENGTH = 11;

export function checkMetadata(ctx: RuleContext, record: ObjectRecord): void {
  const { name, namespace, kind } = record;
  if (name.length > MAX_NAME_LENGTH) {
    ctx.report(record, {
      code: 'NAME_INVALID',
      message: `name is ${name.length} characters; the maximum is ${MAX_NAME_LENGTH}`,
      path: ['metadata', 'name'],
    });
  } else if (!RFC1123_SUBDOMAIN.test(name)) {
    ctx.report(record, {
      code: 'NAME_INVALID',
      message: `name ${JSON.stringify(name)} should match a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting and ending alphanumeric)`,
      path: ['metadata', 'name'],
    });
  }
  if (SHORT_NAME_KINDS.has(kind) && name.length > MAX_SHORT_NAME_LENGTH) {
    ctx.report(record, {
      code: 'VPC_NAME_INVALID',
      message: `${kind} name ${name} is too long, must be <= ${MAX_SHORT_NAME_LENGTH} characters`,
      path: ['metadata', 'name'],
    });
  }
  if (kind === 'VPC' && name.startsWith('ext.')) {
    ctx.report(record, {
      code: 'VPC_NAME_INVALID',
      message: 'VPC names must not start with "ext." (that prefix names externals in GatewayPeerings)',
      path: ['metadata', 'name'],
    });
  }
  if (namespace !== 'default') {
    ctx.report(record, {
      code: 'NAMESPACE_NOT_DEFAULT',
      message: `namespace ${namespace}: only the default namespace is supported`,
      path: ['metadata', 'namespace'],
    });
  }
  if (findKindByName(kind)?.group === GATEWAY_GROUP && !ctx.config.gatewayEnabled) {
    ctx.report(record, {
      code: 'GATEWAY_DISABLED',
      message: 'gateway support is not enabled in the fabric config',
      path: ['kind'],
    });
  }
}
