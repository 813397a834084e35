import { getNamedType, isLeafType, isNonNullType, type GraphQLField } from 'graphql';
import { describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTest } from '../support/app-fixture.ts';
import type { Role } from '../../src/auth/api-token.entity.ts';
import { MUTATION_ROLES } from '../../src/auth/permissions.ts';
import { topics } from '../../src/events/event-bus.ts';
import { schema } from '../../src/graphql/schema.ts';
import { createDraft, createFabric, vlanNamespaceYaml } from '../support/fixtures.ts';
const tokens = {} as Record<Role, string>;

const it = appTest;
it.beforeAll(async ({ t }) => {
  for (const role of ['viewer', 'operator', 'admin'] as const)
    tokens[role] = await t.createToken({ role, name: `role-${role}` });
});

const ROLE_ORDER: Role[] = ['viewer', 'operator', 'admin'];

/** A syntactically valid call of a root field: required arguments as (unset) variables. */
function documentFor(kind: 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const variables = required.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

const mutationFields = Object.values(schema.getMutationType()!.getFields());

describe('every mutation has a decided role', () => {
  it('lists every mutation in the permissions table', () => {
    const unlisted = mutationFields.map((field) => field.name).filter((name) => !(name in MUTATION_ROLES));
    expect(unlisted, 'add these to MUTATION_ROLES in src/auth/permissions.ts').toEqual([]);
  });

  for (const field of mutationFields) {
    const required = MUTATION_ROLES[field.name] ?? 'admin';
    it(`${field.name} needs ${required}`, async ({ t }) => {
      const document = documentFor('mutation', field);
      for (const role of ROLE_ORDER) {
        const result = await t.graphql(document, {}, { authorization: `Bearer ${tokens[role]}` });
        const codes = (result.errors ?? []).map((error) => error.extensions?.code);
        const allowed = ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(required);
        if (allowed) expect(codes, `${role} should pass the role check`).not.toContain('FORBIDDEN');
        else expect(codes, `${role} must be refused`).toEqual(['FORBIDDEN']);
      }
    });
  }
});

describe('reads and subscriptions', () => {
  it('lets a viewer read, but not list tokens', async ({ t }) => {
    const read = await t.graphql(
      `{ fabrics { id } gitRepositories { id } }`,
      {},
      { authorization: `Bearer ${tokens.viewer}` },
    );
    expect(read.errors).toBeUndefined();
    const tokensList = await t.graphql(`{ apiTokens { name } }`, {}, { authorization: `Bearer ${tokens.viewer}` });
    expect(tokensList.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAdmin = await t.graphqlOk(`{ apiTokens { name role prefix } }`);
    expect(asAdmin.apiTokens.map((token: { name: string }) => token.name)).toEqual(
      expect.arrayContaining(['role-viewer', 'role-admin']),
    );
    expect(JSON.stringify(asAdmin)).not.toContain(tokens.viewer);
  });

  for (const field of Object.values(schema.getSubscriptionType()!.getFields())) {
    it(`subscription ${field.name} is open to a viewer and closed to a socket without a token`, async ({ t }) => {
      const fabric = await createFabric(t);
      const operation = await t.app
        .services()
        .operations.create({ fabricId: fabric.id, type: 'pull', initiatedBy: 'test' });
      const variables = { fabricId: fabric.id, id: operation.id };
      const document = documentFor('subscription', field);
      const viewer = t.wsClient({ token: tokens.viewer });
      const first = await new Promise<unknown>((resolve, reject) => {
        const dispose = viewer.subscribe(
          { query: document, variables },
          {
            next: (value) => {
              dispose();
              resolve(value);
            },
            error: reject,
            complete: () => resolve(null),
          },
        );
        // fabricEvents waits for an event: cause one once the subscription is listening.
        if (field.name === 'fabricEvents') {
          void (async () => {
            while (t.app.eventBus.subscriberCount(topics.fabric(fabric.id)) === 0)
              await new Promise((next) => setImmediate(next));
            await createDraft(t, fabric.id, vlanNamespaceYaml(`sub-${Math.random().toString(36).slice(2, 7)}`));
          })();
        }
      });
      expect(JSON.stringify(first)).not.toContain('FORBIDDEN');
      await viewer.dispose();

      const anonymous = t.wsClient({ token: null, lazy: false, onNonLazyError: () => {} });
      const code = await new Promise<number>((resolve) =>
        anonymous.on('closed', (event) => resolve((event as { code: number }).code)),
      );
      expect(code).toBe(4403);
      await anonymous.dispose();
    });
  }
});

describe('tokens limited to fabrics', () => {
  it('reach their fabrics and nothing else', async ({ t }) => {
    const mine = await createFabric(t);
    const other = await createFabric(t);
    const otherDraft = await createDraft(t, other.id, vlanNamespaceYaml('not-yours'));
    const limited = await t.createToken({ role: 'operator', fabricIds: [mine.id] });
    const as = (t: TestApp, query: string, variables: Record<string, unknown> = {}) =>
      t.graphql(query, variables, { authorization: `Bearer ${limited}` });

    expect(
      (await as(t, `query($f: ID!) { resources(fabricId: $f) { totalCount } }`, { f: mine.id })).errors,
    ).toBeUndefined();
    const listed = await as(t, `{ fabrics { id } }`);
    expect(listed.data?.fabrics).toEqual([{ id: mine.id }]);
    for (const [query, variables] of [
      [`query($f: ID!) { resources(fabricId: $f) { totalCount } }`, { f: other.id }],
      [`query($id: ID!) { fabric(id: $id) { name } }`, { id: other.id }],
      [`query($id: ID!) { resource(id: $id) { name } }`, { id: otherDraft.id }],
      [`mutation($id: ID!) { deleteResource(id: $id) { id } }`, { id: otherDraft.id }],
      [
        `mutation($f: ID!, $y: String!) { createResource(fabricId: $f, manifest: { yaml: $y }) { id } }`,
        { f: other.id, y: vlanNamespaceYaml('intruder') },
      ],
      [`{ syncOperations { totalCount } }`, {}],
      [`{ gitRepositories { id } }`, {}],
    ] as const) {
      const result = await as(t, query, variables);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
  });
});
