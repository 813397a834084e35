/**
 * The GraphQL documents the GitHub adapter sends. Every one is validated against GitHub's
 * published schema by the test server, so a field GitHub does not have fails the tests.
 * Queries also ask for `rateLimit` so the adapter can slow down before the budget runs out.
 */

const RATE_LIMIT = 'rateLimit { cost remaining resetAt }';

export const REPOSITORY_ACCESS = `query RepositoryAccess($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { id viewerPermission defaultBranchRef { name } }
  ${RATE_LIMIT}
}`;

export const BRANCH_HEAD = `query BranchHead($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { oid } } }
  ${RATE_LIMIT}
}`;

/** The head and, when it is a commit, its message and parents: enough to tell whether a commit landed. */
export const BRANCH_HEAD_COMMIT = `query BranchHeadCommit($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { target { oid ... on Commit { message parents(first: 2) { nodes { oid } } } } }
  }
  ${RATE_LIMIT}
}`;

export const HAS_ANY_BRANCH = `query HasAnyBranch($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { refs(refPrefix: "refs/heads/", first: 1) { totalCount } }
  ${RATE_LIMIT}
}`;

/**
 * Whether the commit exists and the oid of the directory's tree at it. The entries come from the
 * REST trees endpoint: GraphQL's `Tree.entries` has no paging and never says it was cut.
 */
export const RESOLVE_TREE = `query ResolveTree($owner: String!, $name: String!, $expression: String!, $commit: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    commit: object(oid: $commit) { __typename }
    tree: object(expression: $expression) { __typename oid }
  }
  ${RATE_LIMIT}
}`;

/** `b0 … bN`: several blobs by oid in one request (aliases). */
export function readBlobsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, index) => `$b${index}: GitObjectID!`).join(', ');
  const fields = Array.from(
    { length: count },
    (_, index) =>
      `b${index}: object(oid: $b${index}) { __typename ... on Blob { oid byteSize isBinary isTruncated text } }`,
  ).join('\n    ');
  return `query ReadBlobs($owner: String!, $name: String!, ${variables}) {
  repository(owner: $owner, name: $name) {
    ${fields}
  }
  ${RATE_LIMIT}
}`;
}

export const CREATE_COMMIT_ON_BRANCH = `mutation CreateCommitOnBranch($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

export const CREATE_REF = `mutation CreateRef($input: CreateRefInput!) {
  createRef(input: $input) { ref { name target { oid } } }
}`;

export const OPEN_PULL_REQUESTS = `query OpenPullRequests($owner: String!, $name: String!, $head: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(headRefName: $head, states: [OPEN], first: 10) { nodes { id number url title body baseRefName } }
  }
  ${RATE_LIMIT}
}`;

export const CREATE_PULL_REQUEST = `mutation CreatePullRequest($input: CreatePullRequestInput!) {
  createPullRequest(input: $input) { pullRequest { id number url } }
}`;

export const UPDATE_PULL_REQUEST = `mutation UpdatePullRequest($input: UpdatePullRequestInput!) {
  updatePullRequest(input: $input) { pullRequest { id number url } }
}`;

/**
 * One page of the commits that changed a path, from a commit, each with the path's object there
 * and in its first parent (so a diff needs no further request). For the root (`root`), the
 * commit's tree stands in for `file(path:)`, which needs a non-empty path.
 */
export function pathHistoryQuery(root: boolean): string {
  const at = root ? 'tree { oid }' : 'file(path: $path) { oid }';
  return `query PathHistory($owner: String!, $name: String!, $commit: GitObjectID!, $path: String${root ? '' : '!'}, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    object(oid: $commit) {
      __typename
      ... on Commit {
        history(path: $path, first: $first, after: $after) {
          pageInfo { hasNextPage }
          edges {
            cursor
            node {
              oid message committedDate author { name email date }
              ${at}
              parents(first: 1) { nodes { oid ${at} } }
            }
          }
        }
      }
    }
  }
  ${RATE_LIMIT}
}`;
}

/** Whether the commit exists, and the blob at `<commit>:<path>` with its text when GitHub gives it whole. */
export const READ_FILE_AT = `query ReadFileAt($owner: String!, $name: String!, $commit: GitObjectID!, $expression: String!) {
  repository(owner: $owner, name: $name) {
    commit: object(oid: $commit) { __typename }
    file: object(expression: $expression) { __typename ... on Blob { oid byteSize isBinary isTruncated text } }
  }
  ${RATE_LIMIT}
}`;
