/**
 * The wiring's hydration status as hhfab computes it (fabricator `pkg/hhfab/hydrate.go`
 * `getHydration`): every field hhfab's hydration fills is counted, and the wiring is `none` when
 * all are missing, `full` when none is, `partial` otherwise. Counted: each switch's `ip`,
 * `protocolIP` and `asn`, and a leaf's `vtepIP`; both IPs of every fabric, mesh and gateway link;
 * each gateway's `asn`, `protocolIP` and `vtepIP`. (hhfab also counts control nodes, which are not
 * fabric objects.)
 */
import { connectionEndpoints, connectionTypesOf } from './connection.ts';
import type { HydrationStatus } from './fabric-config.ts';
import type { PathSegment } from './manifests.ts';
import type { ObjectRecord, RuleContext } from './rule-context.ts';
import type { ConnectionObject, GatewayObject, SwitchObject } from './schemas.ts';

export type { HydrationStatus } from './fabric-config.ts';

export interface Hydration {
  status: HydrationStatus;
  /** Fields counted, and how many of them are missing. */
  total: number;
  missing: number;
  /** The first missing field of each object that has one. */
  gaps: Map<ObjectRecord, readonly PathSegment[]>;
}

const LEAF_ROLES = new Set(['server-leaf', 'border-leaf', 'mixed-leaf']);

export function wiringHydration(ctx: Pick<RuleContext, 'all'>): Hydration {
  let total = 0;
  let missing = 0;
  const gaps = new Map<ObjectRecord, readonly PathSegment[]>();
  const count = (record: ObjectRecord, present: unknown, path: readonly PathSegment[]) => {
    total++;
    if (present) return;
    missing++;
    if (!gaps.has(record)) gaps.set(record, path);
  };
  for (const record of ctx.all('Switch')) {
    const spec = (record.object as SwitchObject).spec;
    count(record, spec.ip, ['spec', 'ip']);
    count(record, spec.protocolIP, ['spec', 'protocolIP']);
    count(record, spec.asn, ['spec', 'asn']);
    if (LEAF_ROLES.has(spec.role ?? '')) count(record, spec.vtepIP, ['spec', 'vtepIP']);
  }
  for (const record of ctx.all('Connection')) {
    const spec = (record.object as ConnectionObject).spec;
    const types = connectionTypesOf(spec);
    // getHydration looks at the first of fabric, mesh, gateway that is set.
    const type = (['fabric', 'mesh', 'gateway'] as const).find((candidate) => types.includes(candidate));
    if (!type) continue;
    for (const endpoint of connectionEndpoints(spec, type)) {
      if (endpoint.ipPath) count(record, endpoint.ip, endpoint.ipPath);
    }
  }
  for (const record of ctx.all('Gateway')) {
    const spec = (record.object as GatewayObject).spec ?? {};
    count(record, spec.asn, ['spec', 'asn']);
    count(record, spec.protocolIP, ['spec', 'protocolIP']);
    count(record, spec.vtepIP, ['spec', 'vtepIP']);
  }
  const status: HydrationStatus = missing === total ? 'none' : missing === 0 ? 'full' : 'partial';
  return { status, total, missing, gaps };
}
