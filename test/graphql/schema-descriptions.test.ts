/**
 * Every element of the schema a client can see is described: types, fields, arguments, input
 * fields and enum values. Walks the schema the server serves (graphql-js's own type map), so a
 * new field without a description fails here with its coordinate, e.g. `Fabric.name` or
 * `Query.resources(kind:)`. Also: every mutation's description ends with its role and an
 * "Errors:" line naming codes the server knows.
 */
import { describe, expect, it } from 'vitest';
import { COMMON_MUTATION_ERRORS } from '../../src/graphql/describe.ts';
import { listedErrorCodes, undescribed } from '../support/schema-docs.ts';
import { schema } from '../../src/graphql/schema.ts';
import type { ErrorCode } from '../../src/errors.ts';

const KNOWN_CODES: readonly ErrorCode[] = [
  'NOT_FOUND',
  'DUPLICATE',
  'IN_USE',
  'INVALID_INPUT',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
];

describe('schema descriptions', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    const missing = undescribed(schema);
    expect(
      missing,
      `These schema elements have no description; add one (units, formats, who may call, what null means):\n  ${missing.join('\n  ')}`,
    ).toEqual([]);
  });

  it('finds an element without a description (the check itself works)', async () => {
    const { buildSchema } = await import('graphql');
    const bare = buildSchema(`
      "Q" type Query { "f" f(a: Int, "b" b: Int): E, g: Int }
      "E" enum E { "x" X, Y }
      input I { "i" i: Int }
    `);
    expect(undescribed(bare)).toEqual(['E.Y', 'I', 'Query.f(a:)', 'Query.g']);
  });

  it('lists the role and the error codes on the last lines of every mutation description', () => {
    const problems: string[] = [];
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      const codes = listedErrorCodes(field.description);
      if (!codes) {
        problems.push(`${field.name}: no "Errors:" line`);
        continue;
      }
      if (!/\nRole: (VIEWER|OPERATOR|ADMIN)\.\n/.test(field.description ?? ''))
        problems.push(`${field.name}: no "Role:" line`);
      for (const code of codes)
        if (!KNOWN_CODES.includes(code as ErrorCode)) problems.push(`${field.name}: unknown code ${code}`);
      for (const code of COMMON_MUTATION_ERRORS)
        if (!codes.includes(code)) problems.push(`${field.name}: lacks the common code ${code}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('names every connection and edge after its item: <Item>Connection, <Item>Edge', async () => {
    const { getNamedType, isObjectType } = await import('graphql');
    const misnamed: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || !('edges' in type.getFields()) || !('pageInfo' in type.getFields())) continue;
      const edge = getNamedType(type.getFields().edges!.type);
      const item = isObjectType(edge) ? getNamedType(edge.getFields().node!.type).name : '?';
      if (type.name !== `${item}Connection` || edge.name !== `${item}Edge`)
        misnamed.push(`${type.name} / ${edge.name}`);
    }
    expect(misnamed).toEqual([]);
  });
});
