/**
 * Switch health from its Agent object (agent.githedgehog.com/v1beta1, same name as the Switch),
 * pure. Field names per hedgehog-crds.md §9 and the Agent printcolumns (AppliedG/CurrentG):
 * `metadata.generation`, `status.lastAppliedGen`, `status.lastAttemptGen`, `status.lastHeartbeat`,
 * `status.lastAppliedTime`, `status.conditions`, `status.rebootRequired`, `status.version`.
 */

export const SWITCH_HEALTH_STATES = ['HEALTHY', 'APPLYING', 'HEARTBEAT_STALE', 'NO_HEARTBEAT'] as const;
/**
 * HEALTHY: heartbeat fresh and the current generation applied. APPLYING: heartbeat fresh, the
 * agent has not applied the current generation yet. HEARTBEAT_STALE: last heartbeat older than the
 * threshold. NO_HEARTBEAT: the agent never reported.
 */
export type SwitchHealthState = (typeof SWITCH_HEALTH_STATES)[number];

export interface SwitchHealth {
  state: SwitchHealthState;
  /** `metadata.generation`: what the controller asks the agent to apply. */
  currentGeneration: number | undefined;
  /** `status.lastAppliedGen`. */
  appliedGeneration: number | undefined;
  /** `status.lastAttemptGen`. */
  attemptedGeneration: number | undefined;
  /** appliedGeneration === currentGeneration. */
  upToDate: boolean;
  lastHeartbeat: Date | undefined;
  /** now - lastHeartbeat, in milliseconds (never negative). */
  heartbeatAgeMs: number | undefined;
  lastAppliedTime: Date | undefined;
  /** The `Ready` condition's status, when the agent reports one. */
  ready: boolean | undefined;
  rebootRequired: boolean | undefined;
  agentVersion: string | undefined;
}

export interface SwitchHealthOptions {
  /** A heartbeat older than this is stale. @default 120000 (2 minutes) */
  heartbeatStaleAfterMs?: number;
}

export function switchHealth(agent: unknown, now: Date, options: SwitchHealthOptions = {}): SwitchHealth {
  const staleAfter = options.heartbeatStaleAfterMs ?? 120_000;
  const metadata = record(record(agent)?.metadata);
  const status = record(record(agent)?.status);
  const currentGeneration = integer(metadata?.generation);
  const appliedGeneration = integer(status?.lastAppliedGen);
  const lastHeartbeat = time(status?.lastHeartbeat);
  const heartbeatAgeMs = lastHeartbeat === undefined ? undefined : Math.max(0, now.getTime() - lastHeartbeat.getTime());
  const upToDate = currentGeneration !== undefined && appliedGeneration === currentGeneration;
  const state: SwitchHealthState =
    heartbeatAgeMs === undefined
      ? 'NO_HEARTBEAT'
      : heartbeatAgeMs > staleAfter
        ? 'HEARTBEAT_STALE'
        : upToDate
          ? 'HEALTHY'
          : 'APPLYING';
  return {
    state,
    currentGeneration,
    appliedGeneration,
    attemptedGeneration: integer(status?.lastAttemptGen),
    upToDate,
    lastHeartbeat,
    heartbeatAgeMs,
    lastAppliedTime: time(status?.lastAppliedTime),
    ready: readyCondition(status?.conditions),
    rebootRequired: typeof status?.rebootRequired === 'boolean' ? status.rebootRequired : undefined,
    agentVersion: typeof status?.version === 'string' && status.version !== '' ? status.version : undefined,
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** metav1.Time serialises as RFC 3339; the zero time is omitted or null. */
function time(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1 ? undefined : date;
}

function readyCondition(conditions: unknown): boolean | undefined {
  if (!Array.isArray(conditions)) return undefined;
  const ready = conditions.map(record).find((c) => c?.type === 'Ready');
  if (ready?.status === 'True') return true;
  if (ready?.status === 'False') return false;
  return undefined;
}
