import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Every webhook delivery the gateway accepted, keyed by the SHA-256 of its signed body: the
 * delivery id header is not signed, so a captured body sent again under a new id (or none) is
 * recognised by its digest. Rows are kept for WEBHOOK_DELIVERY_DAYS (see github-webhook.ts).
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  indexes: [{ properties: ['receivedAt'], name: 'webhook_delivery_received_idx' }],
  uniques: [{ properties: ['deliveryId'], name: 'webhook_delivery_delivery_id_unique' }],
  properties: {
    digest: p.text().primary(),
    deliveryId: p.text().nullable(),
    event: p.text(),
    receivedAt: p
      .datetime()
      .onCreate(() => new Date())
      .defaultRaw('now()'),
  },
});

export type WebhookDelivery = InferEntity<typeof WebhookDeliverySchema>;
