/**
 * Every sample in ../shared/hedgehog-samples goes through validation. Current-API samples produce
 * only the findings listed here, each with the reason it is expected. Without that folder (it is
 * shared, not part of the repository) the whole suite is skipped, and its title says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import { validateManifests, type ValidationResult } from '../../src/hedgehog/validate.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/hedgehog-samples');
const PRESENT = existsSync(SAMPLES);
const read = (name: string) => ({ path: name, text: readFileSync(join(SAMPLES, name), 'utf8') });

/** `CODE kind/name path` for each finding, sorted, for exact comparison. */
function summary(findings: ValidationResult['errors']): string[] {
  return findings.map((finding) => `${finding.code} ${finding.kind}/${finding.name} ${finding.path}`).sort();
}

function countByCode(findings: ValidationResult['errors']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  return counts;
}

describe.skipIf(!PRESENT)(PRESENT ? 'samples' : `samples: skipped, ${SAMPLES} is absent`, () => {
  it('01 lab-ci ESLAG wiring: valid; only hydration warnings (6 switches, 8 fabric connections; it is pre-hydration input)', () => {
    const result = validateManifests({ files: [read('01-labci-env-ci-1-wiring-eslag.yaml')] });
    expect(summary(result.errors)).toEqual([]);
    expect(countByCode(result.warnings)).toEqual({ SWITCH_NOT_HYDRATED: 6, CONNECTION_NOT_HYDRATED: 8 });
    expect(result.objects).toHaveLength(51);
    expect(result.objects.every((object) => object.valid)).toBe(true);
  });

  it('01 with requireHydration (hydration mode never): the same gaps become errors, and the wiring as a whole is refused once', () => {
    for (const fabricConfig of [{ requireHydration: true }, { hydrationMode: 'never' as const }]) {
      const result = validateManifests({ files: [read('01-labci-env-ci-1-wiring-eslag.yaml')], fabricConfig });
      expect(countByCode(result.errors)).toEqual({
        SWITCH_NOT_HYDRATED: 6,
        CONNECTION_NOT_HYDRATED: 8,
        HYDRATION_STATUS: 1,
      });
    }
  });

  it("01 under hhfab's default hydration mode (if-not-present): no field hydrated, so hhfab hydrates it; one switch half hydrated makes it partial, refused", () => {
    const text = read('01-labci-env-ci-1-wiring-eslag.yaml');
    expect(countByCode(validateManifests({ files: [text] }).errors)).toEqual({});
    const partial = {
      path: text.path,
      text: text.text.replace('  name: ds3000-01\nspec:\n', '  name: ds3000-01\nspec:\n  asn: 65101\n'),
    };
    expect(partial.text).not.toBe(text.text);
    const result = validateManifests({ files: [partial] });
    expect(countByCode(result.errors)).toEqual({
      SWITCH_NOT_HYDRATED: 6,
      CONNECTION_NOT_HYDRATED: 8,
      HYDRATION_STATUS: 1,
    });
    expect(result.errors.find((finding) => finding.code === 'HYDRATION_STATUS')!.message).toContain('1 of ');
  });

  it("02 gateway overlay, validated together with 01 (it references 01's spines): only hydration warnings", () => {
    const result = validateManifests({
      files: [read('01-labci-env-ci-1-wiring-eslag.yaml'), read('02-labci-env-ci-1-wiring-gateway.yaml')],
    });
    expect(summary(result.errors)).toEqual([]);
    // Gateways carry only interfaces and workers: hhfab hydrates addresses, ASN and neighbors.
    expect(countByCode(result.warnings)).toEqual({
      SWITCH_NOT_HYDRATED: 6,
      CONNECTION_NOT_HYDRATED: 10,
      GATEWAY_NOT_HYDRATED: 2,
    });
  });

  it('02 alone: the spines it connects to are missing, reported at the port fields', () => {
    const result = validateManifests({ files: [read('02-labci-env-ci-1-wiring-gateway.yaml')] });
    expect(
      result.errors.map((finding) => [finding.code, finding.name, finding.path, finding.line, finding.column]),
    ).toEqual([
      ['REFERENCE_NOT_FOUND', 'ds4000-01--gateway--gateway-1', '$.spec.gateway.links[0].switch.port', 41, 17],
      ['REFERENCE_NOT_FOUND', 'ds4000-02--gateway--gateway-2', '$.spec.gateway.links[0].switch.port', 53, 17],
    ]);
  });

  it('03 legacy MCLAG lab: accepted, as Switch/Connection.Validate accept it, with LEGACY_API warnings naming ESLAG', () => {
    const result = validateManifests({ files: [read('03-labci-env-ci-1-wiring-legacy-mclag.yaml')] });
    expect(summary(result.errors)).toEqual([]);
    expect(summary(result.warnings.filter((finding) => finding.code === 'LEGACY_API'))).toEqual([
      'LEGACY_API Connection/ds3000-01--mclag-domain--ds3000-02 $.spec.mclagDomain',
      'LEGACY_API Connection/server-1--mclag--ds3000-01--ds3000-02 $.spec.mclag',
      'LEGACY_API Connection/server-2--mclag--ds3000-01--ds3000-02 $.spec.mclag',
      'LEGACY_API Switch/ds3000-01 $.spec.redundancy.type',
      'LEGACY_API Switch/ds3000-02 $.spec.redundancy.type',
    ]);
    expect(
      result.warnings
        .filter((finding) => finding.code === 'LEGACY_API')
        .every((finding) => /eslag|ESLAG/.test(finding.message)),
    ).toBe(true);
    expect(
      result.warnings.find((finding) => finding.code === 'LEGACY_API' && finding.name === 'ds3000-01'),
    ).toMatchObject({ line: 66, column: 11 });
  });

  it('05 hydrated NVIDIA Air export: valid under its own fabric config (management subnet 192.168.200.0/24)', () => {
    // The Air lab runs Cumulus VX switches: its fab.yaml includes Cumulus (`includeCumulus`), without which cumulus-vx is no profile.
    const fabricConfig = {
      managementSubnet: '192.168.200.0/24',
      controlVIP: '192.168.200.1',
      managementDHCPStart: '192.168.200.128',
      includeCumulus: true,
    };
    const result = validateManifests({ files: [read('05-nvidia-air-demo-include-hydrated.yaml')], fabricConfig });
    expect(summary(result.errors)).toEqual([]);
    expect(summary(result.warnings)).toEqual([]);
    expect(result.objects).toHaveLength(166);
  });

  it("05 under hhfab's default config: every switch management IP is outside 172.30.0.0/21, and cumulus-vx is not registered", () => {
    const result = validateManifests({ files: [read('05-nvidia-air-demo-include-hydrated.yaml')] });
    expect(countByCode(result.errors)).toEqual({ SWITCH_IP_INVALID: 10, SWITCH_PROFILE_UNKNOWN: 10 });
    expect(result.errors.find((finding) => finding.code === 'SWITCH_PROFILE_UNKNOWN')!.message).toContain(
      'includeCumulus',
    );
  });

  it('06 demo-gitops VPCs: the namespaces and connections it refers to live in the fabric, not in the file', () => {
    const result = validateManifests({ files: [read('06-demo-gitops-env1-pre-demo-vpcs.yaml')] });
    expect(summary(result.errors)).toEqual([
      // the demo repo relies on the fabric's default namespaces
      'REFERENCE_NOT_FOUND VPC/demo-vpc-1 $.spec.ipv4Namespace',
      'REFERENCE_NOT_FOUND VPC/demo-vpc-1 $.spec.vlanNamespace',
      'REFERENCE_NOT_FOUND VPC/demo-vpc-2 $.spec.ipv4Namespace',
      'REFERENCE_NOT_FOUND VPC/demo-vpc-2 $.spec.vlanNamespace',
      // one of them is an MCLAG connection, which no current fabric has
      'REFERENCE_NOT_FOUND VPCAttachment/demo-vpc-1--server-1--mclag--s5248-01--s5248-02 $.spec.connection',
      'REFERENCE_NOT_FOUND VPCAttachment/demo-vpc-2--server-4--unbundled--s5248-02 $.spec.connection',
    ]);
  });

  it('08 v1alpha2 collapsed-core VLAB: every object refused with a legacy-API finding, none accepted', () => {
    const result = validateManifests({ files: [read('08-fabric-v0.20.0-collapsedcore-vlab-v1alpha2.yaml')] });
    expect(result.valid).toBe(false);
    expect(result.objects).toEqual([]);
    expect(countByCode(result.errors)).toEqual({ LEGACY_API: 18 });
    const sw = result.errors.find((finding) => finding.kind === 'Switch')!;
    expect(sw.message).toContain('use wiring.githedgehog.com/v1beta1 Switch');
    expect(sw).toMatchObject({ path: '$.apiVersion', line: 30, column: 13 });
    expect(result.errors.find((finding) => finding.kind === 'Rack')!.message).toContain('collapsed-core');
  });

  it("09 docs sample wiring: only the Gateway's known problems, plus hydration warnings", () => {
    const result = validateManifests({ files: [read('09-docs-build-wiring-sample-spine-leaf.yaml')] });
    expect(
      result.errors.map((finding) => [finding.code, finding.name, finding.path, finding.line, finding.column]),
    ).toEqual([
      // the sample puts its Gateway in namespace fab; the fabric requires default
      ['NAMESPACE_NOT_DEFAULT', 'gateway-1', '$.metadata.namespace', 121, 14],
      // and it has no GatewayGroup "default", which a Gateway without groups joins
      ['REFERENCE_NOT_FOUND', 'gateway-1', '$.spec', 122, 1],
      // so hhfab's hydration does not find gateway-1 (it looks in namespace default) for its links
      ['REFERENCE_NOT_FOUND', 'spine-01--gateway--gateway-1', '$.spec.gateway.links[0].gateway.port', 267, 15],
      ['REFERENCE_NOT_FOUND', 'spine-02--gateway--gateway-1', '$.spec.gateway.links[0].gateway.port', 279, 15],
    ]);
    expect(countByCode(result.warnings)).toEqual({
      SWITCH_NOT_HYDRATED: 6,
      GATEWAY_NOT_HYDRATED: 1,
      CONNECTION_NOT_HYDRATED: 10,
    });
  });

  it('10 docs DHCP-relay VPCs: valid when checked with a fabric that has the namespaces and server connections', () => {
    const wiring = validateManifests({ files: [read('09-docs-build-wiring-sample-spine-leaf.yaml')] }).objects.map(
      (object) => object.object,
    );
    const existing: HedgehogObject[] = [...wiring];
    for (const server of ['server-01', 'server-02']) {
      existing.push({
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'Server',
        metadata: { name: server, namespace: 'default' },
      });
      existing.push({
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'Connection',
        metadata: { name: `${server}--unbundled--leaf-01`, namespace: 'default' },
        spec: {
          unbundled: {
            link: {
              server: { port: `${server}/eth1` },
              switch: { port: `leaf-01/E1/${server === 'server-01' ? 1 : 2}` },
            },
          },
        },
      });
    }
    const result = validateManifests({ files: [read('10-docs-vpcs-dhcp-relay-vpc.yaml')], existing });
    expect(summary(result.errors)).toEqual([]);
    expect(summary(result.warnings)).toEqual([]);
    // `vpc-01:` with no value means "all subnets": canonical form writes it as {}
    expect(result.objects.find((object) => object.kind === 'VPCPeering')!.object.spec).toEqual({
      permit: [{ 'vpc-01': {}, 'vpc-02': {} }],
    });
  });

  it('10 alone: the fabric objects it needs are missing', () => {
    const result = validateManifests({ files: [read('10-docs-vpcs-dhcp-relay-vpc.yaml')] });
    expect(countByCode(result.errors)).toEqual({ REFERENCE_NOT_FOUND: 6 });
  });

  // 13, 14, 15: real public files Hedgehog accepts (INDEX.md). Pre-hydration input: hydration warnings only.
  it('13 docs sample wiring of March 2025: no error, only hydration warnings', () => {
    const result = validateManifests({ files: [read('13-docs-build-wiring-2025-03.yaml')] });
    expect(summary(result.errors)).toEqual([]);
    expect(countByCode(result.warnings)).toEqual({ SWITCH_NOT_HYDRATED: 6, CONNECTION_NOT_HYDRATED: 8 });
    expect(result.objects.every((object) => object.valid)).toBe(true);
  });

  it('14 docs sample wiring of August 2025: no error, only hydration warnings', () => {
    const result = validateManifests({ files: [read('14-docs-build-wiring-2025-08.yaml')] });
    expect(summary(result.errors)).toEqual([]);
    expect(countByCode(result.warnings)).toEqual({ SWITCH_NOT_HYDRATED: 6, CONNECTION_NOT_HYDRATED: 8 });
    expect(result.objects.every((object) => object.valid)).toBe(true);
  });

  it('15 lab-ci wiring plus gateway of June 2026: no error, only hydration warnings', () => {
    const result = validateManifests({ files: [read('15-labci-env-ci-1-wiring-plus-gateway-2026-06.yaml')] });
    expect(summary(result.errors)).toEqual([]);
    expect(countByCode(result.warnings)).toEqual({
      SWITCH_NOT_HYDRATED: 6,
      CONNECTION_NOT_HYDRATED: 10,
      GATEWAY_NOT_HYDRATED: 2,
    });
    expect(result.objects).toHaveLength(56);
    expect(result.objects.every((object) => object.valid)).toBe(true);
  });

  it('all samples together still report every finding (none stops the others)', () => {
    const files = [
      '01-labci-env-ci-1-wiring-eslag.yaml',
      '03-labci-env-ci-1-wiring-legacy-mclag.yaml',
      '08-fabric-v0.20.0-collapsedcore-vlab-v1alpha2.yaml',
    ].map(read);
    const result = validateManifests({ files });
    // 03 redefines 01's objects: each repeat is a DUPLICATE_OBJECT (the first definition is the one
    // checked), so 03's legacy warnings remain for its 3 MCLAG connections, which 01 does not have.
    expect(countByCode(result.errors).LEGACY_API).toBe(18);
    expect(countByCode(result.warnings).LEGACY_API).toBe(3);
    expect(countByCode(result.errors).DUPLICATE_OBJECT).toBeGreaterThan(40);
  });
});
