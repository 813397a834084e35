/**
 * GitHub webhook checks (pure): the `X-Hub-Signature-256` HMAC of the raw body, compared in
 * constant time, and whether a push event concerns a fabric.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { directoryPrefix } from '../gitops/fabric-paths.ts';

export function signatureOf(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifyWebhookSignature(input: {
  secret: string;
  body: Uint8Array;
  signature: string | null | undefined;
}): boolean {
  if (!input.signature || !/^sha256=[0-9a-f]{64}$/i.test(input.signature)) return false;
  const expected = Buffer.from(signatureOf(input.secret, input.body), 'utf8');
  const given = Buffer.from(input.signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface PushEventSummary {
  ref?: unknown;
  deleted?: unknown;
  commits?: unknown;
  head_commit?: unknown;
}

/**
 * True when a push to the fabric's branch touched a path below its directory. GitHub lists at
 * most 20 commits (and file lists can be cut); when the payload cannot tell, the push counts as
 * relevant: a pull that finds nothing changed is cheap, a missed one is not.
 */
export function isRelevantPush(event: PushEventSummary, fabric: { branch: string; directory: string }): boolean {
  if (event.ref !== `refs/heads/${fabric.branch}`) return false;
  if (event.deleted === true) return false;
  if (!Array.isArray(event.commits) || event.commits.length === 0 || event.commits.length >= 20) return true;
  const prefix = directoryPrefix(fabric.directory);
  for (const commit of event.commits as Record<string, unknown>[]) {
    const paths = ['added', 'modified', 'removed'].flatMap(
      (field) => (Array.isArray(commit?.[field]) ? (commit[field] as unknown[]) : null) ?? [null],
    );
    for (const path of paths) {
      if (typeof path !== 'string') return true; // file list missing: cannot tell
      if (path.startsWith(prefix)) return true;
    }
  }
  return false;
}
