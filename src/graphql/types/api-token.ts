import { ROLES, type ApiToken } from '../../auth/api-token.entity.ts';
import { topics } from '../../events/event-bus.ts';
import { NodeInterface, builder } from '../builder.ts';
import { mutationDescription } from '../describe.ts';
import { describedEnumValues } from '../enums.ts';

export const RoleEnum = builder.enumType('Role', {
  description:
    'VIEWER reads and subscribes; OPERATOR also drafts, syncs, resolves conflicts and refreshes clusters; ADMIN also manages repositories, fabrics, credentials and tokens.',
  values: describedEnumValues(ROLES, {
    viewer: 'Reads and subscribes.',
    operator: 'Also drafts, syncs, resolves conflicts and refreshes clusters.',
    admin: 'Also manages repositories, fabrics, credentials and tokens.',
  }),
});

const ApiTokenRef = builder.objectRef<ApiToken>('ApiToken').implement({
  interfaces: [NodeInterface],
  description: 'An API token. The token itself is shown only once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The UUID of the token record.' }),
    name: t.exposeString('name', { description: 'Recorded as the actor of everything done with the token.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the token, to tell tokens apart.' }),
    role: t.expose('role', { type: RoleEnum, description: 'What the token may do.' }),
    fabricIds: t.exposeIDList('fabricIds', { description: 'Fabrics the token may touch; empty means all.' }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it stops working; null for never.',
    }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; null while not.',
    }),
    lastUsedAt: t.expose('lastUsedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last used (updated at most once a minute); null when never.',
    }),
    createdBy: t.exposeString('createdBy', { description: 'Name of the token (or bootstrap) that created it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
  }),
});

const CreatedApiTokenRef = builder.objectRef<{ token: string; record: ApiToken }>('CreatedApiToken').implement({
  description: 'A new token: the secret, shown once, and its record.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Send as `Authorization: Bearer <token>`. Shown this once; store it now.',
    }),
    apiToken: t.field({ type: ApiTokenRef, description: 'Its record.', resolve: (created) => created.record }),
  }),
});

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  description: 'A new API token.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Unique, 1 to 255 letters, digits, spaces and . _ @ : -; recorded as the actor.',
    }),
    role: t.field({ type: RoleEnum, required: true, description: 'What it may do.' }),
    fabricIds: t.idList({ description: 'Limit the token to these fabrics (at most 1000 UUIDs); omit for all.' }),
    expiresAt: t.field({ type: 'DateTime', description: 'When it stops working; omit for never.' }),
  }),
});

builder.queryFields((t) => ({
  apiTokens: t.field({
    type: [ApiTokenRef],
    description: 'Every API token record (never the secrets). ADMIN role; not for fabric-limited tokens.',
    resolve: (_root, _args, context) => context.services.tokens.list(),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiTokenRef,
    description: mutationDescription(
      'createApiToken',
      'Creates an API token and returns it once. INVALID_INPUT names each bad field; NOT_FOUND for an unknown fabric id; DUPLICATE when the name is taken.',
      ['INVALID_INPUT', 'DUPLICATE', 'NOT_FOUND'],
    ),
    args: { input: t.arg({ type: CreateApiTokenInput, required: true, description: 'The new token.' }) },
    resolve: (_root, args, context) =>
      context.services.tokens.create(
        {
          name: args.input.name,
          role: args.input.role,
          ...(args.input.fabricIds ? { fabricIds: args.input.fabricIds.map(String) } : {}),
          ...(args.input.expiresAt ? { expiresAt: args.input.expiresAt } : {}),
        },
        context.actor.name,
      ),
  }),
  revokeApiToken: t.field({
    type: ApiTokenRef,
    description: mutationDescription(
      'revokeApiToken',
      'The token stops working at once; WebSocket and SSE connections opened with it are closed. Revoking a revoked token changes nothing.',
      ['NOT_FOUND'],
    ),
    args: { id: t.arg.id({ required: true, description: 'The UUID of the token record.' }) },
    resolve: async (_root, args, context) => {
      const record = await context.services.tokens.revoke(String(args.id));
      context.eventBus.publish(topics.apiTokens, { tokenId: record.id });
      return record;
    },
  }),
}));
