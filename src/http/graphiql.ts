import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL as the gateway serves it at /graphql to browsers (GRAPHIQL, on unless production).
 * Its scripts and styles come from the @graphql-yoga/render-graphiql package, inlined in the page,
 * so it works with no internet (yoga's own page loads them from a CDN). The first screen says how
 * to give it a token; subscriptions use Server-Sent Events, which carry the Headers tab's
 * Authorization header like every query (a WebSocket would need it in connectionParams instead).
 */
export const graphiqlOptions: GraphiQLOptions = {
  title: 'Hedgehog GitOps Gateway',
  subscriptionsProtocol: 'SSE',
  headers: JSON.stringify({ Authorization: 'Bearer <paste your API token here>' }, null, 2),
  // Tokens are secrets: not kept in the browser's storage.
  shouldPersistHeaders: false,
  defaultEditorToolsVisibility: 'headers',
  defaultQuery: `# Hedgehog GitOps Gateway
#
# Every request needs an API token. In the Headers tab
# below, replace <paste your API token here> with yours:
# the first start of the gateway printed an admin token;
# make more with the createApiToken mutation or
# \`npm run token:create\`. Then re-fetch the schema
# (circular arrows on the left, or Shift+Ctrl+R) and open
# the Documentation Explorer (the book icon).
#
# Subscriptions (fabricEvents, syncOperationUpdated)
# stream on this page too, over Server-Sent Events.

{
  fabrics {
    id
    name
  }
}
`,
};

let page: Promise<string> | null = null;

/**
 * The page, rendered once (its options are the server's, fixed at start). The package (9 MB of
 * inlined assets) is loaded on the first request for the page, not at start.
 */
export function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options));
  return page;
}
