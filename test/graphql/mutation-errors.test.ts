/**
 * Every mutation's description lists its error codes ("Errors: ..."): here each mutation is called
 * for real, over HTTP, with the smallest arguments its signature allows (built from the schema,
 * so a new mutation is covered without being named), first with ids that do not exist, then with
 * ids of real rows of a fabric without a usable repository, then without a token and with a
 * viewer's. Every code it answers must be one its description lists.
 */
import { randomUUID } from 'node:crypto';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import { createDraft, createFabric, createRepository, vlanNamespaceYaml } from '../support/fixtures.ts';
import { listedErrorCodes } from '../support/schema-docs.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { MUTATIONS_PER_MINUTE: '100000', QUERIES_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await t?.stop();
});

/** The smallest value of a type: required input fields only, one list item, the first enum value. */
function smallest(type: GraphQLInputType, id: (name: string) => string, name: string): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [smallest(inner.ofType, id, name)];
  if (isEnumType(inner)) return inner.getValues()[0]!.name;
  if (isInputObjectType(inner)) {
    return Object.fromEntries(
      Object.values(inner.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, smallest(field.type, id, field.name)]),
    );
  }
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'ID':
        return id(name);
      case 'Int':
      case 'Float':
        return 0;
      case 'Boolean':
        return false;
      case 'JSON':
        return {};
      case 'DateTime':
        return '2000-01-01T00:00:00.000Z';
      default:
        return 'x';
    }
  }
  throw new Error(`no smallest value for ${String(type)}`);
}

async function call(field: GraphQLField<unknown, unknown>, id: (name: string) => string, token?: string | null) {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passing = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const variables = Object.fromEntries(required.map((arg) => [arg.name, smallest(arg.type, id, arg.name)]));
  const query = `mutation${declarations ? `(${declarations})` : ''} { ${field.name}${passing ? `(${passing})` : ''} { __typename } }`;
  const headers =
    token === undefined ? undefined : token === null ? { authorization: '' } : { authorization: `Bearer ${token}` };
  const result = await t.graphql(query.replace('{ __typename }', selectionFor(field)), variables, headers);
  return (result.errors ?? []).map((error) => String(error.extensions?.code));
}

/** `{ __typename }` for object results; nothing for scalar ones (deleteFabric returns an ID). */
function selectionFor(field: GraphQLField<unknown, unknown>): string {
  return isScalarType(getNullableType(field.type)) ? '' : '{ __typename }';
}

it('answers only the error codes each mutation lists', async () => {
  const repository = await createRepository(t, { url: `file:///nonexistent/${randomUUID()}.git` });
  const fabric = await createFabric(t, { gitRepositoryId: repository.id });
  const bare = await createFabric(t);
  const draft = await createDraft(t, fabric.id, vlanNamespaceYaml('ns-errors'));
  const started = await t.graphqlOk(`mutation($f: ID!) { syncFabric(fabricId: $f, direction: PULL) { id } }`, {
    f: fabric.id,
  });
  await t.app.runner.idle();
  const viewer = await t.createToken({ role: 'viewer', name: 'errors-viewer' });
  const real: Record<string, string> = {
    fabricId: bare.id,
    resourceId: draft.id,
    ids: draft.id,
  };
  /** Real ids by argument name and mutation: an operation's id, a repository's, a resource's. */
  const realId = (mutation: string) => (name: string) => {
    if (name !== 'id') return real[name] ?? randomUUID();
    if (mutation.endsWith('Resource') || mutation === 'discardResourceDraft') return draft.id;
    if (mutation.endsWith('GitRepository')) return repository.id;
    if (mutation === 'cancelSyncOperation') return started.syncFabric.id;
    if (mutation === 'revokeApiToken') return randomUUID();
    return fabric.id;
  };
  const unlisted: string[] = [];
  const seen = new Set<string>();
  const mutations = Object.values(schema.getMutationType()!.getFields());
  // Destructive ones last, so the others meet the rows first.
  mutations.sort((a, b) => Number(a.name.startsWith('delete')) - Number(b.name.startsWith('delete')));
  for (const field of mutations) {
    const listed = listedErrorCodes(field.description) ?? [];
    const attempts: [string, string[]][] = [
      ['unknown ids', await call(field, () => randomUUID())],
      ['real ids', await call(field, realId(field.name))],
      ['no token', await call(field, () => randomUUID(), null)],
      ['viewer', await call(field, () => randomUUID(), viewer)],
    ];
    for (const [attempt, codes] of attempts) {
      for (const code of codes) {
        seen.add(code);
        if (!listed.includes(code))
          unlisted.push(`${field.name} (${attempt}): ${code} is not in "${listed.join(', ')}"`);
      }
    }
  }
  expect(unlisted, unlisted.join('\n')).toEqual([]);
  // The calls reached the services, not only the gate in front of them.
  expect([...seen]).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_INPUT']));
});
