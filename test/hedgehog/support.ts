import { expect } from 'vitest';
import type { HedgehogObject } from '../../src/hedgehog/canonical.ts';
import type { FabricConfig } from '../../src/hedgehog/fabric-config.ts';
import type { Finding } from '../../src/hedgehog/findings.ts';
import { generateFabric } from '../../src/hedgehog/generate-fabric.ts';
import { validateManifests, type ValidationResult } from '../../src/hedgehog/validate.ts';

/** Strips the first newline and the common indentation, so YAML can sit indented in a test. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => line.match(/^ */)![0].length),
  );
  return text
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}

/**
 * 1-based line and column of the first occurrence of `needle` (after `after`, when given). A `»`
 * in the needle marks the exact character meant: `name: »g` is the position of `g`.
 */
export function at(text: string, needle: string, after?: string): { line: number; column: number } {
  const start = after === undefined ? 0 : text.indexOf(after);
  const marker = Math.max(0, needle.indexOf('»'));
  const found = text.indexOf(needle.replace('»', ''), Math.max(0, start));
  if (found < 0) throw new Error(`needle ${JSON.stringify(needle)} not in text`);
  const offset = found + marker;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** A small valid hydrated fabric the rule tests check their input against (2 spines, 4 leaves). */
export const BASE_FABRIC: readonly HedgehogObject[] = generateFabric({ spines: 2, leaves: 4, serversPerLeafPair: 4 });

export function check(
  text: string,
  options: { existing?: readonly HedgehogObject[]; fabricConfig?: Partial<FabricConfig> } = {},
): ValidationResult {
  return validateManifests({
    files: [{ path: 'input.yaml', text }],
    existing: options.existing ?? BASE_FABRIC,
    ...(options.fabricConfig ? { fabricConfig: options.fabricConfig } : {}),
  });
}

export function allFindings(result: ValidationResult): Finding[] {
  return [...result.errors, ...result.warnings];
}

export function codesOf(result: ValidationResult): string[] {
  return allFindings(result).map((finding) => finding.code);
}

/** Asserts a finding with this code exists, at this position, and returns it. */
export function expectFinding(
  result: ValidationResult,
  code: string,
  where: { line?: number; column?: number; path?: string; severity?: 'error' | 'warning' },
): Finding {
  const matches = allFindings(result).filter((finding) => finding.code === code);
  expect(
    matches.map((finding) => `${finding.code} ${finding.path}`),
    `expected a ${code} finding`,
  ).not.toEqual([]);
  const match = matches.find(
    (finding) =>
      (where.path === undefined || finding.path === where.path) &&
      (where.line === undefined || finding.line === where.line),
  );
  expect(
    match,
    `${code} at ${JSON.stringify(where)}; got ${JSON.stringify(matches.map(({ path, line, column }) => ({ path, line, column })))}`,
  ).toBeDefined();
  expect({ line: match!.line, column: match!.column, path: match!.path, severity: match!.severity }).toMatchObject(
    where,
  );
  expect(match!.file).toBe('input.yaml');
  return match!;
}
