/** The path GraphQL is served on (HTTP, SSE and WebSocket). */
export const GRAPHQL_ENDPOINT = '/graphql';

/**
 * Whether yoga answers this URL as its GraphQL endpoint (`/graphql`): besides the path itself, it
 * serves `/graphql/` and any URL whose text ends in `/graphql` or `/graphql/` (a query string
 * included; see yoga's useUnhandledRoute). Every other URL yoga answers 404.
 */
export function servesGraphQL(requestUrl: string, url: URL): boolean {
  return (
    url.pathname === GRAPHQL_ENDPOINT ||
    url.pathname === `${GRAPHQL_ENDPOINT}/` ||
    requestUrl.endsWith(GRAPHQL_ENDPOINT) ||
    requestUrl.endsWith(`${GRAPHQL_ENDPOINT}/`)
  );
}
