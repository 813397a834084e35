/**
 * The trailers that end every commit the gateway makes, so that a commit in Git names the
 * operation that made it and who asked for it:
 *
 *     Gateway-Operation: <operation id>
 *     Gateway-Actor: <who>
 *
 * Pushes (`sync/plan-push.ts`) and ingestion (`gitops/gitops.service.ts`) both end their messages
 * here. The actor is put on one line, so a newline in a name cannot forge a trailer.
 */

/** The operation a commit belongs to, and who started it. */
export interface CommitOrigin {
  operationId: string;
  actor: string;
}

/** `message`, a blank line, then the trailers (the result ends with a newline). */
export function withGatewayTrailers(message: string, origin: CommitOrigin): string {
  return `${message}\n\nGateway-Operation: ${origin.operationId}\nGateway-Actor: ${oneLine(origin.actor)}\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim() || 'unknown';
}

/** What a commit's trailers say about the gateway operation that made it; null where absent. */
export interface GatewayTrailers {
  operationId: string | null;
  actor: string | null;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;

/**
 * The `Gateway-Operation` and `Gateway-Actor` trailers of a commit message, read as git reads
 * trailers: from the message's last paragraph, and only when every line of it is a `Key: value`
 * trailer (keys compared without case). A commit made elsewhere has neither.
 */
export function parseGatewayTrailers(message: string): GatewayTrailers {
  const found: GatewayTrailers = { operationId: null, actor: null };
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trim()
    .split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return found;
  const lines = (paragraphs.at(-1) ?? '').split('\n');
  const trailers = lines.map((line) => TRAILER_LINE.exec(line));
  if (trailers.some((match) => match === null)) return found;
  for (const match of trailers) {
    const key = match![1]!.toLowerCase();
    const value = match![2]!.trim();
    if (key === 'gateway-operation') found.operationId = value || null;
    if (key === 'gateway-actor') found.actor = value || null;
  }
  return found;
}
