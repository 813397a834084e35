/**
 * The event bus the composition root uses (EVENT_BUS): LISTEN/NOTIFY on a PostgreSQL server, so
 * that replicas sharing the database see each other's operation progress, fabric events and
 * cancel requests (the embedded server is a PostgreSQL server like any other); the in-process
 * bus when EVENT_BUS=in-process.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { InProcessEventBus, type EventBus } from './event-bus.ts';
import { PostgresEventBus } from './postgres-event-bus.ts';

export async function createEventBus(options: {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  instanceId: string;
}): Promise<EventBus> {
  const choice = options.config.eventBus;
  if (choice === 'in-process') return new InProcessEventBus();
  const bus = new PostgresEventBus({
    connectionString: options.databaseUrl,
    instanceId: options.instanceId,
    logger: options.logger.child({ component: 'events' }),
  });
  await bus.start();
  options.logger.info(
    { eventBus: 'postgres' },
    'live events are shared with other gateway replicas over LISTEN/NOTIFY',
  );
  return bus;
}
