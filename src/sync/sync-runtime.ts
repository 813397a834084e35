/**
 * The sync machinery the composition root starts: the operation runner it chose, start-up
 * recovery and the periodic head check. Kept here so that `app.ts` only wires it in.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ServiceDependencies } from '../services.ts';
import { GraphileOperationRunner, defaultInstanceId } from './graphile-runner.ts';
import { InProcessOperationRunner, type ExecuteOperation, type OperationRunner } from './operation-runner.ts';
import { liveGatewayInstances, recoverInterruptedOperations } from './recovery.ts';

export { defaultInstanceId };

/**
 * PGlite's socket server interleaves the extended-protocol messages (Parse/Bind/Execute) of
 * concurrent connections outside transactions, so a worker polling on its own connections while
 * the gateway queries on others gets another statement's parameters. graphile-worker therefore
 * runs on PostgreSQL only; on PGlite (one gateway process by construction) the in-process runner
 * serves, and start-up recovery re-queues what was pending.
 */
export async function isPglite(orm: MikroORM): Promise<boolean> {
  const rows = await orm.em.getConnection().execute<{ version: string }[]>('select version() as version');
  return /PGlite|emscripten/i.test(rows[0]?.version ?? '');
}

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
  const embedded = await isPglite(options.orm);
  if (options.config.operationRunner === 'graphile' && embedded) {
    throw new Error('OPERATION_RUNNER=graphile needs PostgreSQL: the embedded PGlite cannot serve concurrent connections safely (use auto or in-process)');
  }
  if (options.config.operationRunner === 'in-process' || embedded) {
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
  });
  await runner.start();
  return runner;
}

/** Marks what a dead process left in progress as failed (see recovery.ts). */
export async function recoverOperations(dependencies: ServiceDependencies, instanceId: string) {
  const durable = dependencies.runner instanceof GraphileOperationRunner;
  const live = durable
    ? await liveGatewayInstances(dependencies.orm.em, GraphileOperationRunner.applicationNamePrefix)
    : new Set<string>();
  live.add(instanceId);
  return recoverInterruptedOperations({
    em: dependencies.orm.em,
    eventBus: dependencies.eventBus,
    logger: dependencies.logger,
    runner: dependencies.runner,
    liveInstances: live,
    durableQueue: durable,
    releaseWorkers: durable ? (workers, jobs) => (dependencies.runner as GraphileOperationRunner).releaseWorkers(workers, jobs) : undefined,
  });
}
