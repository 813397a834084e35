import type { Plugin } from 'graphql-yoga';
import { bearerToken, type Actor } from '../auth/tokens.ts';
import { DomainError } from '../errors.ts';

export type Authenticate = (token: string | null) => Promise<Actor>;

/**
 * Who is calling, before anything else happens. HTTP and SSE send `Authorization: Bearer <token>`
 * (refused with 401 otherwise); WebSocket clients send `{ authorization: "Bearer <token>" }` in
 * the connection_init payload and a socket without a valid token is closed with 4403 Forbidden.
 * The GraphiQL page itself needs no token; the requests it makes do.
 */
export function createAuthentication(authenticate: Authenticate) {
  const actors = new WeakMap<Request, Actor>();
  const plugin: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/graphql') return;
      if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html')) return;
      try {
        actors.set(request, await authenticate(bearerToken(request.headers.get('authorization'))));
      } catch (error) {
        const message = error instanceof DomainError ? error.message : 'Authentication failed';
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }), {
            status: 401,
            headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
          }),
        );
      }
    },
  };
  return {
    plugin,
    actorOf: (request: Request | undefined): Actor | undefined => (request ? actors.get(request) : undefined),
    /** For graphql-ws's onConnect: the actor, or null to refuse the socket. */
    async authenticateConnection(params: Readonly<Record<string, unknown>> | undefined): Promise<Actor | null> {
      const raw = params?.['authorization'] ?? params?.['Authorization'] ?? params?.['token'];
      const token = typeof raw === 'string' ? (bearerToken(raw) ?? raw) : null;
      try {
        return await authenticate(token);
      } catch {
        return null;
      }
    },
  };
}
