/**
 * `POST /webhooks/github`: GitHub's push notifications turned into queued pulls.
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
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FabricSchema } from '../fabric/fabric.entity.ts';
import type { GitRepository } from '../fabric/git-repository.entity.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { isRelevantPush, verifyWebhookSignature, type PushEventSummary } from '../sync/webhook.ts';
import { recordDelivery } from './webhook-delivery.repository.ts';

export const WEBHOOK_PATH = '/webhooks/github';
const MAX_BODY_BYTES = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB
const DELIVERY_DAYS = 30;

export interface WebhookOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** `https://github.com/Acme/Fabric.git`, `git@github.com:acme/fabric` → `github.com/acme/fabric`. */
export function repositoryKey(url: string): string | null {
  const text = url.trim().toLowerCase().replace(/\.git$/, '').replace(/\/+$/, '');
  const https = /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(text);
  if (https) return `${https[1]}/${https[2]}`;
  const scp = /^[^@]+@([^:]+):(.+)$/.exec(text);
  return scp ? `${scp[1]}/${scp[2]}` : null;
}

/** A unit of work per delivery, with the services the handler uses. */
export interface WebhookDependencies {
  openUnitOfWork: () => Pick<Services, 'em' | 'gitRepositories' | 'sync'>;
  logger: Logger;
}

export function createGitHubWebhookHandler(deps: WebhookDependencies) {
  async function handle(headers: IncomingMessage['headers'], body: Buffer): Promise<WebhookOutcome> {
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
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
    if (!repository) return { status: 401, body: { error: 'signature missing or not valid for any repository with a webhook secret' } };
    const digest = createHash('sha256').update(body).digest('hex');
    if (!(await recordDelivery(services.em, { digest, delivery, event }, DELIVERY_DAYS))) {
      return { status: 202, body: { status: 'ignored', reason: 'delivery already seen' } };
    }
    if (event === 'ping') return { status: 202, body: { status: 'pong' } };
    if (event !== 'push') return { status: 202, body: { status: 'ignored', reason: `event ${event || '(none)'} is not used` } };

    const fabrics = await services.em.find(FabricSchema, { gitRepository: repository.id }, { orderBy: { name: 'asc' } });
    const queued: string[] = [];
    for (const fabric of fabrics) {
      if (!isRelevantPush(payload as PushEventSummary, { branch: repository.defaultBranch, directory: fabric.gitopsDirectory })) continue;
      const operation = await services.sync.start({
        fabricId: fabric.id, direction: 'PULL', actor: 'github-webhook', trigger: 'webhook', details: delivery ? { deliveries: [delivery] } : {},
      });
      queued.push(operation.id);
    }
    return queued.length > 0
      ? { status: 202, body: { status: 'queued', operations: queued } }
      : { status: 202, body: { status: 'ignored', reason: 'no fabric watches that branch and directory' } };
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (outcome: WebhookOutcome) => res.writeHead(outcome.status, { 'content-type': 'application/json' }).end(JSON.stringify(outcome.body));
    if (req.method !== 'POST') return void reply({ status: 405, body: { error: 'POST only' } });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reply({ status: 413, body: { error: 'payload too large' } });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      }
      const outcome = await handle(req.headers, Buffer.concat(chunks));
      deps.logger.info({ delivery: req.headers['x-github-delivery'], event: req.headers['x-github-event'], status: outcome.status, outcome: outcome.body.status ?? outcome.body.error }, 'github webhook');
      reply(outcome);
    } catch (error) {
      deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'github webhook failed');
      if (!res.headersSent) reply({ status: 500, body: { error: 'internal error' } });
    }
  };
}
