/**
 * GraphQL request durations by operation name, as a yoga plugin. Operation names are chosen by
 * clients, so the label is bounded: a name is taken from the parsed document (never from the
 * request's unchecked `operationName`), at most `maxNames` distinct names get a label of their
 * own, and every later one is counted as `other`; an operation without a name is `anonymous`.
 */
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './metrics.ts';

/** Bounds the set of operation-name label values. */
export class OperationNames {
  readonly #seen = new Set<string>();
  constructor(private readonly maxNames: number) {}

  label(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (this.#seen.has(name)) return name;
    // Names are GraphQL names once parsed; the length is ours to cap.
    if (this.#seen.size >= this.maxNames || name.length > 64) return 'other';
    this.#seen.add(name);
    return name;
  }
}

export function useGraphQLMetrics(metrics: GatewayMetrics, options: { maxNames?: number } = {}): Plugin {
  const names = new OperationNames(options.maxNames ?? 100);
  // Per context (one per HTTP request or WebSocket operation): when parsing began.
  const started = new WeakMap<object, number>();
  const observe = (context: object, document: DocumentNode, operationName: string | null | undefined) => {
    const operation = getOperationAST(document, operationName);
    if (!operation) return () => {};
    const start = started.get(context) ?? performance.now();
    const labels = { operation_name: names.label(operation.name?.value), operation_type: operation.operation };
    return () => metrics.graphqlDuration.observe(labels, (performance.now() - start) / 1000);
  };
  return {
    onParse({ context }) {
      started.set(context, performance.now());
    },
    onExecute({ args }) {
      const done = observe(args.contextValue as object, args.document, args.operationName);
      return { onExecuteDone: done };
    },
    onSubscribe({ args }) {
      const done = observe(args.contextValue as object, args.document, args.operationName);
      return { onSubscribeResult: done };
    },
  };
}
