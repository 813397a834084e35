import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * An event too large for a PostgreSQL NOTIFY (8,000 bytes): the PostgreSQL event bus stores it
 * here and notifies its id; replicas read it back. Rows live for minutes (see postgres-event-bus.ts).
 */
export const EventPayloadSchema = defineEntity({
  name: 'EventPayload',
  tableName: 'event_payload',
  indexes: [{ properties: ['createdAt'], name: 'event_payload_created_idx' }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    topic: p.text(),
    payload: p.json<unknown>(),
    createdAt: p
      .datetime()
      .onCreate(() => new Date())
      .defaultRaw('now()'),
  },
});

export type EventPayload = InferEntity<typeof EventPayloadSchema>;
