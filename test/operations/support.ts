/**
 * The operations area's helpers: follow an operation's progress over real subscriptions. Used by
 * the progress tests of pulls, ingestions and pushes.
 */
import type { Client } from 'graphql-ws';
import { createDeferred } from '../support/git-fixtures.ts';
import type { TestApp } from '../support/test-app.ts';

/** An OPERATION_UPDATED event as the progress tests select it. */
export interface OperationEvent {
  operationId: string;
  operationType: string;
  status: string;
  phase: string;
  progressDone: number;
  progressTotal: number;
  estimatedSecondsLeft: number | null;
}

const FINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Resolves once `topic` has `count` subscribers on the app's event bus (no sleeps: a turn at a time). */
export async function waitForSubscribers(t: TestApp, topic: string, count: number): Promise<void> {
  while (t.app.eventBus.subscriberCount(topic) < count) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * OPERATION_UPDATED events of the fabric over a real WebSocket. `midway` resolves on the first
 * IN_PROGRESS event with 0 < done < total (and, when given, in `phase`); `final` on the first final
 * status. The fabric's topic is delivered apart from `syncOperationUpdated`'s, so its last event
 * may come after that subscription completed: await `final` before reading the last event.
 */
export function watchOperationEvents(client: Client, fabricId: string, options: { phase?: string } = {}) {
  const events: OperationEvent[] = [];
  const midway = createDeferred<OperationEvent>();
  const final = createDeferred<OperationEvent>();
  client.subscribe<{ fabricEvents: OperationEvent }>(
    {
      query: `subscription($f: ID!) { fabricEvents(fabricId: $f, types: [OPERATION_UPDATED]) {
        type ... on OperationUpdatedEvent { operationId operationType status phase progressDone progressTotal estimatedSecondsLeft } } }`,
      variables: { f: fabricId },
    },
    {
      next: (result) => {
        const event = result.data?.fabricEvents;
        if (!event) return;
        events.push(event);
        if (
          event.status === 'IN_PROGRESS' &&
          (options.phase === undefined || event.phase === options.phase) &&
          event.progressDone > 0 &&
          event.progressDone < event.progressTotal
        )
          midway.resolve(event);
        if (FINAL_STATUSES.includes(event.status)) final.resolve(event);
      },
      error: (error) => {
        midway.reject(error);
        final.reject(error);
      },
      complete: () => {},
    },
  );
  return { events, midway: midway.promise, final: final.promise };
}

/** syncOperationUpdated over WebSocket: every state, and whether the server completed it. */
export function watchOperationWs(client: Client, operationId: string) {
  const states: { status: string; phase: string; progressDone: number; progressTotal: number }[] = [];
  const completed = createDeferred();
  client.subscribe<{ syncOperationUpdated: (typeof states)[number] }>(
    {
      query: `subscription($id: ID!) { syncOperationUpdated(id: $id) { status phase progressDone progressTotal } }`,
      variables: { id: operationId },
    },
    {
      next: (result) => {
        if (result.data) states.push(result.data.syncOperationUpdated);
      },
      error: (error) => completed.reject(error),
      complete: () => completed.resolve(),
    },
  );
  return { states, completed: completed.promise };
}
