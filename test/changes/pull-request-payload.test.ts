/** What a `pull_request` delivery says (pure): only a closed pull request with a sane number counts. */
import { expect, it } from 'vitest';
import { pullRequestClosedOf } from '../../src/http/github-webhook.ts';

const SHA = 'c'.repeat(40);

it('reads a closed pull request: number, URL, merged, merge commit', () => {
  expect(
    pullRequestClosedOf({
      action: 'closed',
      pull_request: { number: 7, html_url: 'https://github.com/a/b/pull/7', merged: true, merge_commit_sha: SHA },
    }),
  ).toEqual({ number: 7, url: 'https://github.com/a/b/pull/7', merged: true, mergeCommitOid: SHA });
  expect(pullRequestClosedOf({ action: 'closed', number: 8, pull_request: { merged: false } })).toEqual({
    number: 8,
    url: null,
    merged: false,
    mergeCommitOid: null,
  });
});

it.each([
  ['another action', { action: 'opened', pull_request: { number: 7 } }],
  ['no pull request number', { action: 'closed', pull_request: {} }],
  ['a number as text', { action: 'closed', pull_request: { number: '7' } }],
  ['a negative number', { action: 'closed', pull_request: { number: -1 } }],
  ['zero', { action: 'closed', pull_request: { number: 0 } }],
  ['a fraction', { action: 'closed', pull_request: { number: 1.5 } }],
  ['a number past 2^53', { action: 'closed', pull_request: { number: 2 ** 60 } }],
  ['a pull request that is not an object', { action: 'closed', pull_request: 'x' }],
])('ignores %s', (_name, payload) => {
  expect(pullRequestClosedOf(payload as Record<string, unknown>)).toBeNull();
});

it('keeps a merge commit only when it is a commit id, and "merged" only when true', () => {
  for (const sha of ['', 'nope', `${SHA}\u0000`, 'C'.repeat(40), 42, null])
    expect(
      pullRequestClosedOf({ action: 'closed', pull_request: { number: 1, merged: true, merge_commit_sha: sha } }),
    ).toMatchObject({ mergeCommitOid: null });
  expect(pullRequestClosedOf({ action: 'closed', pull_request: { number: 1, merged: 'true' } })).toMatchObject({
    merged: false,
  });
});
