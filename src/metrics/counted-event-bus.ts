import type { EventBus } from '../events/event-bus.ts';

/** The event bus with every publish counted (`onPublish` gets the topic); everything else as it is. */
export function countPublished(bus: EventBus, onPublish: (topic: string) => void): EventBus {
  return {
    publish(topic, payload) {
      onPublish(topic);
      bus.publish(topic, payload);
    },
    subscribe: (topic, options) => bus.subscribe(topic, options),
    subscriberCount: (topic) => bus.subscriberCount(topic),
    close: () => bus.close(),
    ...(bus.stop ? { stop: () => bus.stop!() } : {}),
  };
}
