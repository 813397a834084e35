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
