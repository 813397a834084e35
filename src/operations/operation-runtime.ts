/**
 * The operation machinery the composition root starts and stops: the operation runner it chose,
 * start-up recovery, and the stop at shutdown. Kept here so that `app.ts` only wires it in.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import { GraphileOperationRunner, defaultInstanceId } from './graphile-runner.ts';
import { InProcessOperationRunner, type ExecuteOperation, type OperationRunner } from './operation-runner.ts';
import { liveGatewayInstances, recoverInterruptedOperations } from './recovery.ts';
import { PostgresEventBus } from '../events/postgres-event-bus.ts';
import { SyncOperationSchema } from './sync-operation.entity.ts';
import type { SyncOperationService } from './sync-operation.service.ts';

export { defaultInstanceId };

export async function createOperationRunner(options: {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  databaseUrl: string;
  instanceId: string;
  execute: ExecuteOperation;
}): Promise<OperationRunner> {
  const execute: ExecuteOperation = (operationId, runOptions) =>
    options.execute(operationId, { ...runOptions, runner: { instanceId: options.instanceId, ...runOptions.runner } });
  if (options.config.operationRunner === 'in-process') {
    options.logger.info({ runner: 'in-process' }, 'sync operations run in this process');
    return new InProcessOperationRunner({ logger: options.logger, execute });
  }
  options.logger.info({ runner: 'graphile' }, 'sync operations run on graphile-worker queues');
  const runner = new GraphileOperationRunner({
    databaseUrl: options.databaseUrl,
    logger: options.logger,
    execute,
    instanceId: options.instanceId,
    concurrency: options.config.operationConcurrency,
    pollIntervalMs: options.config.graphilePollIntervalMs,
  });
  await runner.start();
  return runner;
}

/** Marks what a dead process left in progress as failed (see recovery.ts). */
export async function recoverOperations(
  dependencies: { orm: MikroORM; eventBus: EventBus; logger: Logger; runner: OperationRunner },
  instanceId: string,
) {
  const durable = dependencies.runner instanceof GraphileOperationRunner;
  // Another replica's work is left alone while it is connected (its runner or its event bus).
  const prefixes = [
    ...(durable ? [GraphileOperationRunner.applicationNamePrefix] : []),
    ...(dependencies.eventBus instanceof PostgresEventBus ? [PostgresEventBus.applicationNamePrefix] : []),
  ];
  const live = prefixes.length > 0 ? await liveGatewayInstances(dependencies.orm.em, prefixes) : new Set<string>();
  live.add(instanceId);
  return recoverInterruptedOperations({
    em: dependencies.orm.em,
    eventBus: dependencies.eventBus,
    logger: dependencies.logger,
    runner: dependencies.runner,
    liveInstances: live,
    durableQueue: durable,
    instanceId,
    ...(durable ? { locks: dependencies.runner as GraphileOperationRunner } : {}),
  });
}

/**
 * Stops the operations of this process when the gateway stops: each is told so and gets
 * `timeoutMs` to stop at a step boundary, recording "interrupted by shutdown" itself. One that
 * does not stop in time is marked so here (its job was already failed and its queue unlocked by
 * the runner); the row names the step it was in.
 */
export async function stopOperations(
  dependencies: {
    runner: OperationRunner;
    openUnitOfWork: () => { em: EntityManager; operations: SyncOperationService };
  },
  timeoutMs: number,
): Promise<void> {
  const leftRunning = await dependencies.runner.close({ timeoutMs });
  if (leftRunning.length === 0) return;
  const { em, operations } = dependencies.openUnitOfWork();
  for (const operation of await em.find(SyncOperationSchema, { id: { $in: leftRunning }, status: 'in_progress' })) {
    const reason = `interrupted by shutdown during "${operation.phase}": it did not stop within ${timeoutMs} ms; the next operation on this fabric starts from the last recorded commit`;
    await operations.settle(operation.id, { status: 'failed', completedAt: new Date(), errorMessage: reason }, [
      { level: 'error', message: reason },
    ]);
  }
}
