/**
 * `POST /webhooks/github`: GitHub's push notifications turned into queued pulls, and its
 * `pull_request` notifications into change stages: a pull request the gateway proposed that is
 * closed and merged makes its open changes MERGED (and queues a pull, which brings the merge in),
 * one closed unmerged makes them CLOSED (docs/changes.md).
 *
 * The repository is found by the URL in the payload; the `X-Hub-Signature-256` HMAC of the raw
 * body must match that repository's webhook secret (constant-time compare), or the answer is 401
 * and nothing is queued. A push to the watched branch that touches a fabric's directory queues a
 * pull of that fabric (job key `pull:<fabric>`: a burst becomes one pull); everything else is
 * acknowledged with 202 and ignored.
 *
 * Replays: the delivery id header is not signed, so deliveries are recorded by the SHA-256 of the
 * signed body too (table `webhook_delivery`, shared by replicas, written before anything is
 * queued): a body seen before is ignored whatever id it comes with, or without one, and so is an
 * id seen before. Records older than DELIVERY_DAYS are dropped; a replay older than that queues
 * at most one pull, which reads Git and changes nothing by itself.
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { isRelevantPush, verifyWebhookSignature, type PushEventSummary } from '../sync/webhook.ts';
import { recordDelivery } from './webhook-delivery.repository.ts';
import { dropRequestAfterResponse } from './body-size-limit.ts';

export const WEBHOOK_PATH = '/webhooks/github';
const MAX_BODY_BYTES = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB
const DELIVERY_DAYS = 30;

export interface WebhookOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** `https://github.com/Acme/Fabric.git`, `git@github.com:acme/fabric` → `github.com/acme/fabric`. */
export function repositoryKey(url: string): string | null {
  const text = url
    .trim()
    .toLowerCase()
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const https = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(text);
  if (https) return `${https[1]}/${https[2]}`;
  const scp = /^[^@]+@([^:]+):(.+)$/.exec(text);
  return scp ? `${scp[1]}/${scp[2]}` : null;
}

/** A unit of work per delivery, with the services the handler uses. */
export interface WebhookDependencies {
  openUnitOfWork: () => Pick<Services, 'em' | 'gitRepositories' | 'sync' | 'changes'>;
  logger: Logger;
}

/** The route: POST to WEBHOOK_PATH is answered here, other methods with 405. */
export function useGitHubWebhook(deps: WebhookDependencies): Plugin {
  const handle = createGitHubWebhookHandler(deps);
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== WEBHOOK_PATH) return;
      return handle(request).then((outcome) => {
        if (outcome.tooLarge) dropRequestAfterResponse(serverContext);
        endResponse(
          new fetchAPI.Response(JSON.stringify(outcome.body), {
            status: outcome.status,
            headers: { 'content-type': 'application/json' },
          }),
        );
      });
    },
  };
}

/** A delivery's answer; `tooLarge`: the body was not read to its end (the connection should be dropped). */
export function createGitHubWebhookHandler(
  deps: WebhookDependencies,
): (request: Request) => Promise<WebhookOutcome & { tooLarge?: boolean }> {
  async function handle(headers: Headers, body: Buffer): Promise<WebhookOutcome> {
    const header = (name: string) => headers.get(name) ?? undefined;
    const event = header('x-github-event') ?? '';
    const delivery = header('x-github-delivery') ?? '';
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: 'the body is not JSON (set the content type to application/json)' } };
    }
    const repositoryInfo = (payload.repository ?? {}) as Record<string, unknown>;
    const keys = new Set(
      ['html_url', 'clone_url', 'ssh_url', 'git_url', 'url']
        .map((field) => repositoryInfo[field])
        .filter((value): value is string => typeof value === 'string')
        .map(repositoryKey)
        .filter((key): key is string => key !== null),
    );
    const services = deps.openUnitOfWork();
    const candidates = (await services.gitRepositories.list()).filter((repository) => {
      const key = repositoryKey(repository.url);
      return repository.hasWebhookSecret && key !== null && keys.has(key);
    });
    // Nothing is trusted (not even "ignored") before a signature checks out.
    let repository: GitRepository | null = null;
    for (const candidate of candidates) {
      const secret = await services.gitRepositories.readWebhookSecret(candidate);
      if (secret && verifyWebhookSignature({ secret, body, signature: header('x-hub-signature-256') })) {
        repository = candidate;
        break;
      }
    }
    if (!repository)
      return {
        status: 401,
        body: { error: 'signature missing or not valid for any repository with a webhook secret' },
      };
    const digest = createHash('sha256').update(body).digest('hex');
    if (!(await recordDelivery(services.em, { digest, delivery, event }, DELIVERY_DAYS))) {
      return { status: 202, body: { status: 'ignored', reason: 'delivery already seen' } };
    }
    if (event === 'ping') return { status: 202, body: { status: 'pong' } };
    if (event !== 'push' && event !== 'pull_request')
      return { status: 202, body: { status: 'ignored', reason: `event ${event || '(none)'} is not used` } };

    const fabrics = await services.em.find(
      FabricSchema,
      { gitRepository: repository.id },
      { orderBy: { name: 'asc' } },
    );
    if (event === 'pull_request') {
      const closed = pullRequestClosedOf(payload);
      if (!closed) return { status: 202, body: { status: 'ignored', reason: 'not a closed pull request' } };
      const moved = await services.changes.pullRequestClosed({
        ...closed,
        fabricIds: fabrics.map((fabric) => fabric.id),
      });
      if (moved.length === 0)
        return { status: 202, body: { status: 'ignored', reason: 'no open change proposed in that pull request' } };
      // Merged: the pull that follows brings the merge commit in (and the desired state with it).
      const queued: string[] = [];
      if (closed.merged) {
        for (const fabricId of new Set(moved.map((change) => change.fabric.id))) {
          const operation = await services.sync.start({
            fabricId,
            direction: 'PULL',
            actor: 'github-webhook',
            trigger: 'webhook',
            details: delivery ? { deliveries: [delivery] } : {},
          });
          queued.push(operation.id);
        }
      }
      return {
        status: 202,
        body: { status: 'recorded', changes: moved.map((change) => change.id), operations: queued },
      };
    }
    const queued: string[] = [];
    for (const fabric of fabrics) {
      if (
        !isRelevantPush(payload as PushEventSummary, {
          branch: repository.defaultBranch,
          directory: fabric.gitopsDirectory,
        })
      )
        continue;
      const operation = await services.sync.start({
        fabricId: fabric.id,
        direction: 'PULL',
        actor: 'github-webhook',
        trigger: 'webhook',
        details: delivery ? { deliveries: [delivery] } : {},
      });
      queued.push(operation.id);
    }
    return queued.length > 0
      ? { status: 202, body: { status: 'queued', operations: queued } }
      : { status: 202, body: { status: 'ignored', reason: 'no fabric watches that branch and directory' } };
  }

  return async (request: Request) => {
    const reply = (outcome: WebhookOutcome, tooLarge = false) => ({ ...outcome, tooLarge });
    if (request.method !== 'POST') return reply({ status: 405, body: { error: 'POST only' } });
    try {
      const body = await readBody(request, MAX_BODY_BYTES);
      if (!body) return reply({ status: 413, body: { error: 'payload too large' } }, true);
      const outcome = await handle(request.headers, body);
      deps.logger.info(
        {
          delivery: request.headers.get('x-github-delivery') ?? undefined,
          event: request.headers.get('x-github-event') ?? undefined,
          status: outcome.status,
          outcome: outcome.body.status ?? outcome.body.error,
        },
        'github webhook',
      );
      return reply(outcome);
    } catch (error) {
      deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'github webhook failed');
      return reply({ status: 500, body: { error: 'internal error' } });
    }
  };
}

/**
 * What a `pull_request` delivery says when it closes a pull request (`action: closed`, with
 * `pull_request.merged`); null for any other action or a payload without a pull request number.
 */
export function pullRequestClosedOf(payload: Record<string, unknown>): {
  number: number;
  url: string | null;
  merged: boolean;
  mergeCommitOid: string | null;
} | null {
  if (payload.action !== 'closed') return null;
  const pullRequest = (payload.pull_request ?? {}) as Record<string, unknown>;
  const number = pullRequest.number ?? payload.number;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return null;
  const sha = pullRequest.merge_commit_sha;
  return {
    number,
    url: typeof pullRequest.html_url === 'string' ? pullRequest.html_url : null,
    merged: pullRequest.merged === true,
    mergeCommitOid: typeof sha === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : null,
  };
}

/** The body, or null as soon as it grows past `limit` bytes (the rest is not read). */
async function readBody(request: Request, limit: number): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}
