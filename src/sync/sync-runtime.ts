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
import { isPglite } from '../db/orm.ts';
import { PostgresEventBus } from '../events/postgres-event-bus.ts';

export { defaultInstanceId };

/** How often graphile-worker looks for new jobs on the embedded PGlite (see createOperationRunner). */
const EMBEDDED_POLL_INTERVAL_MS = 200;

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
  // On PGlite, `auto` keeps the work in this process: there is one gateway process by
  // construction, and graphile would find new jobs by polling only (below).
  if (options.config.operationRunner === 'in-process' || (options.config.operationRunner === 'auto' && embedded)) {
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
    // PGlite is one session behind its socket server: the NOTIFY of a new job reaches the
    // connection that added it, not graphile's listening one, so new jobs are found by polling.
    ...(embedded ? { pollIntervalMs: EMBEDDED_POLL_INTERVAL_MS } : {}),
  });
  await runner.start();
  return runner;
}

/** Marks what a dead process left in progress as failed (see recovery.ts). */
export async function recoverOperations(dependencies: ServiceDependencies, instanceId: string) {
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
    releaseWorkers: durable ? (workers, jobs) => (dependencies.runner as GraphileOperationRunner).releaseWorkers(workers, jobs) : undefined,
  });
}
