import { ChangeObjectSchema, ChangeSchema } from '../changes/change.entity.ts';
import { ApiTokenSchema } from '../auth/api-token.entity.ts';
import { EventPayloadSchema } from '../events/event-payload.entity.ts';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import { GitRepositorySchema } from '../fabric/git-repository.entity.ts';
import { WebhookDeliverySchema } from '../http/webhook-delivery.entity.ts';
import { ResourceSchema } from '../resource/resource.entity.ts';
import { SyncEventSchema, SyncOperationSchema } from '../operations/sync-operation.entity.ts';

/** Every entity the ORM maps; the migrations must agree with exactly these. */
export const ENTITIES = [
  GitRepositorySchema,
  FabricSchema,
  ResourceSchema,
  SyncOperationSchema,
  SyncEventSchema,
  ApiTokenSchema,
  EventPayloadSchema,
  WebhookDeliverySchema,
  ChangeSchema,
  ChangeObjectSchema,
];
