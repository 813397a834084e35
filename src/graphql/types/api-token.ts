import { ROLES, type ApiToken } from '../../auth/api-token.entity.ts';
import { topics } from '../../events/event-bus.ts';
import { builder } from '../builder.ts';
import { enumValues } from '../enums.ts';

export const RoleEnum = builder.enumType('Role', {
  description:
    'VIEWER reads and subscribes; OPERATOR also drafts, syncs, resolves conflicts and refreshes clusters; ADMIN also manages repositories, fabrics, credentials and tokens.',
  values: enumValues(ROLES),
});

const ApiTokenRef = builder.objectRef<ApiToken>('ApiToken').implement({
  description: 'An API token. The token itself is shown only once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { description: 'Recorded as the actor of everything done with the token.' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the token, to tell tokens apart.' }),
    role: t.expose('role', { type: RoleEnum }),
    fabricIds: t.exposeIDList('fabricIds', { description: 'Fabrics the token may touch; empty means all.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreatedApiTokenRef = builder.objectRef<{ token: string; record: ApiToken }>('CreatedApiToken').implement({
  fields: (t) => ({
    token: t.exposeString('token', {
      description: 'Send as `Authorization: Bearer <token>`. Shown this once; store it now.',
    }),
    apiToken: t.field({ type: ApiTokenRef, resolve: (created) => created.record }),
  }),
});

const CreateApiTokenInput = builder.inputType('CreateApiTokenInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
    fabricIds: t.idList({ description: 'Limit the token to these fabrics; omit for all.' }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  apiTokens: t.field({
    type: [ApiTokenRef],
    description: 'Admins only.',
    resolve: (_root, _args, context) => context.services.tokens.list(),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiTokenRef,
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
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
    description: 'The token stops working at once; WebSocket and SSE connections opened with it are closed.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const record = await context.services.tokens.revoke(String(args.id));
      context.eventBus.publish(topics.apiTokens, { tokenId: record.id });
      return record;
    },
  }),
}));
