/**
 * Git repository URLs: credentials written into a URL are refused (they would be stored in clear
 * and shown to every viewer), with an INVALID_INPUT that names the credentials field; an
 * scp-style URL that git would read as an option is refused; URLs stored before the check are
 * scrubbed by a migration; and testing a repository says what is true.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';
import { appTestWith } from '../support/app-fixture.ts';
import { initOrm, migrateToLatest } from '../../src/db/orm.ts';
import { scrubSecrets } from '../../src/git/scrub.ts';
import { createTestDatabase, queryDatabase, type TestDatabase, rowCounts } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
import {
  branchHead,
  createBareRepository,
  makeScratchDir,
  pushFromAnotherClone,
  removeScratchDirs,
} from '../support/git-fixtures.ts';
let bareRepository: string;
let existingId: string;

const it = appTestWith({ env: { MUTATIONS_PER_MINUTE: '1000', HEAD_CHECK: 'false' } });
it.beforeAll(async ({ t }) => {
  bareRepository = await createBareRepository();
  await pushFromAnotherClone(bareRepository, { files: { 'README.md': '# fabric\n' } });
  const created = await t.graphqlOk(
    `mutation($url: String!) { createGitRepository(input: { name: "existing", url: $url }) { id } }`,
    {
      url: `file://${bareRepository}`,
    },
  );
  existingId = created.createGitRepository.id;
  await createFabric(t, { name: 'uses-existing', gitRepositoryId: existingId });
});
it.afterAll(async () => {
  await removeScratchDirs();
});

async function snapshot(t: TestApp) {
  const counts = await rowCounts(t.database.url);
  const repositories = await queryDatabase(
    t.database.url,
    'select id, name, url, auth_type, encrypted_credentials, validation_error, updated_at from git_repository order by id',
  );
  return { counts, repositories, gitHead: await branchHead(bareRepository, 'main') };
}

const SECRET = 'Sup3rSecretValue';

/** Each URL carries SECRET somewhere; `field` is the credentials field the error must name. */
const credentialUrls: { name: string; url: string; field: string }[] = [
  {
    name: 'https user:password',
    url: `https://alice:${SECRET}@git.example.test/acme/fabric.git`,
    field: 'credentials: { token }',
  },
  {
    name: 'https token as user name',
    url: `https://${SECRET}@github.com/acme/fabric`,
    field: 'credentials: { token }',
  },
  {
    name: 'http user:password',
    url: `http://alice:${SECRET}@git.example.test/fabric.git`,
    field: 'credentials: { username, password }',
  },
  {
    name: 'ssh user:password',
    url: `ssh://git:${SECRET}@git.example.test/acme/fabric.git`,
    field: 'credentials: { sshPrivateKey }',
  },
  {
    name: 'ssh user:password with a port',
    url: `ssh://git:${SECRET}@git.example.test:2222/fabric.git`,
    field: 'credentials: { sshPrivateKey }',
  },
  {
    name: 'scp-style user:password',
    url: `git:${SECRET}@git.example.test:acme/fabric.git`,
    field: 'credentials: { sshPrivateKey }',
  },
  { name: 'git:// userinfo', url: `git://alice:${SECRET}@git.example.test/fabric.git`, field: 'credentials' },
  { name: 'file:// userinfo', url: `file://alice:${SECRET}@/srv/git/fabric.git`, field: 'credentials' },
  {
    name: 'a password holding @',
    url: `https://alice:p@${SECRET}@git.example.test/fabric.git`,
    field: 'credentials: { token }',
  },
  {
    name: '?access_token=',
    url: `https://git.example.test/acme/fabric.git?access_token=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: '?private_token=',
    url: `https://gitlab.example.test/acme/fabric.git?private_token=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: '&token= after another parameter',
    url: `https://git.example.test/fabric.git?ref=main&token=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: '?password=',
    url: `https://git.example.test/fabric.git?password=${SECRET}`,
    field: 'credentials: { token }',
  },
  { name: '?key=', url: `https://git.example.test/fabric.git?key=${SECRET}`, field: 'credentials: { token }' },
  {
    name: '?sig= (a signed URL)',
    url: `https://blob.example.test/fabric.git?sv=2024&sig=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: 'an X-Amz-Signature',
    url: `https://s3.example.test/fabric.git?X-Amz-Credential=a&X-Amz-Signature=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: 'a percent-encoded parameter name',
    url: `https://git.example.test/fabric.git?access%5Ftoken=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: 'a token in the fragment',
    url: `https://git.example.test/fabric.git#access_token=${SECRET}`,
    field: 'credentials: { token }',
  },
  {
    name: 'a query on an ssh URL',
    url: `ssh://git@git.example.test/fabric.git?token=${SECRET}`,
    field: 'credentials: { token }',
  },
];

/** URLs git would read (in part) as a command-line option. */
const optionUrls: { name: string; url: string }[] = [
  { name: 'an scp-style URL starting with -', url: '-oProxyCommand@evil.example.test:acme/fabric.git' },
  { name: 'an scp-style URL with a host starting with -', url: 'git@-oProxyCommand:acme/fabric.git' },
  { name: 'an ssh URL with a host starting with -', url: 'ssh://-oProxyCommand=touch/fabric.git' },
  { name: 'an ssh URL with a user starting with -', url: 'ssh://-oProxyCommand@git.example.test/fabric.git' },
];

function expectRefusal(result: { errors?: { message: string; extensions?: Record<string, any> }[] }, field?: string) {
  const error = result.errors?.[0];
  expect(error?.extensions?.code, JSON.stringify(result)).toBe('INVALID_INPUT');
  const problems = error?.extensions?.problems as { path: string; message: string }[];
  expect(problems.map((problem) => problem.path)).toEqual(['$.url']);
  if (field) {
    expect(problems[0]?.message).toContain(field);
    expect(error?.message).toContain(field);
  }
  expect(JSON.stringify(result)).not.toContain(SECRET);
}

describe('credentials in a repository URL are refused and change nothing', () => {
  for (const row of credentialUrls) {
    it(`refuses ${row.name} on create and on update`, async ({ t }) => {
      const before = await snapshot(t);
      const created = await t.graphql(
        `mutation($url: String!) { createGitRepository(input: { name: "leaky", url: $url }) { id url } }`,
        { url: row.url },
      );
      expectRefusal(created, row.field);
      const updated = await t.graphql(
        `mutation($id: ID!, $url: String!) { updateGitRepository(id: $id, input: { url: $url }) { id url } }`,
        { id: existingId, url: row.url },
      );
      expectRefusal(updated, row.field);
      expect(await snapshot(t)).toEqual(before);
      expect(t.logs()).not.toContain(SECRET);
    });
  }
});

describe('URLs git would read as an option are refused and change nothing', () => {
  for (const row of optionUrls) {
    it(`refuses ${row.name}`, async ({ t }) => {
      const before = await snapshot(t);
      expectRefusal(
        await t.graphql(`mutation($url: String!) { createGitRepository(input: { name: "dash", url: $url }) { id } }`, {
          url: row.url,
        }),
      );
      expectRefusal(
        await t.graphql(
          `mutation($id: ID!, $url: String!) { updateGitRepository(id: $id, input: { url: $url }) { id } }`,
          { id: existingId, url: row.url },
        ),
      );
      expect(await snapshot(t)).toEqual(before);
    });
  }
});

describe('URLs without secrets stay accepted', () => {
  const accepted = [
    'ssh://git@git.example.test/acme/fabric.git',
    'ssh://git@git.example.test:2222/acme/fabric.git',
    'git@github.com:acme/fabric.git',
    'deploy.bot@git.example.test:acme/fabric-ops.git',
    'https://github.com/acme/keyboard-config',
    'https://git.example.test/acme/fabric.git?ref=main',
    'git://git.example.test/fabric.git',
    'file:///srv/git/fabric.git',
  ];
  for (const url of accepted) {
    it(`accepts ${url}`, async ({ t }) => {
      const name = `ok-${Math.random().toString(36).slice(2, 8)}`;
      const data = await t.graphqlOk(
        `mutation($name: String!, $url: String!) { createGitRepository(input: { name: $name, url: $url }) { url } }`,
        { name, url },
      );
      expect(data.createGitRepository.url).toBe(url);
    });
  }
});

describe('error text never echoes URL credentials', () => {
  it.each([
    [
      `fatal: unable to access 'https://alice:${SECRET}@host/x.git/': 403`,
      `fatal: unable to access 'https://***@host/x.git/': 403`,
    ],
    [
      `fatal: unable to access 'https://alice:p@${SECRET}@host/x.git/'`,
      `fatal: unable to access 'https://***@host/x.git/'`,
    ],
    [`ssh: connect to ssh://git:${SECRET}@host:22 failed`, `ssh: connect to ssh://***@host:22 failed`],
    [
      `fatal: 'git:${SECRET}@host:org/repo.git' does not appear to be a git repository`,
      `fatal: 'git:***@host:org/repo.git' does not appear to be a git repository`,
    ],
    [
      `fatal: repository 'https://host/x.git?access_token=${SECRET}&ref=main/' not found`,
      `fatal: repository 'https://host/x.git?access_token=***&ref=main/' not found`,
    ],
    [
      `GET https://host/x.git?ref=a&private_token=${SECRET} failed`,
      `GET https://host/x.git?ref=a&private_token=*** failed`,
    ],
    [
      `fatal: repository 'https://host/x.git?X-Amz-Signature=${SECRET}' not found`,
      `fatal: repository 'https://host/x.git?X-Amz-Signature=***' not found`,
    ],
  ])('scrubs %s', (text, scrubbed) => {
    expect(scrubSecrets(text, [])).toBe(scrubbed);
  });

  it('leaves ordinary git messages alone', () => {
    const text =
      "fatal: 'origin' does not appear to be a git repository\nerror: failed to push some refs to 'git@host:org/repo.git'";
    expect(scrubSecrets(text, [])).toBe(text);
  });
});

describe('testGitRepository says what is true', () => {
  const testRepository = (t: TestApp, id: string) =>
    t
      .graphqlOk(`mutation($id: ID!) { testGitRepository(id: $id) { connectionStatus validationError } }`, { id })
      .then((data) => data.testGitRepository);

  it('a missing repository without credentials: not found or not reachable, no word of credentials', async ({ t }) => {
    const missing = `file://${await makeScratchDir()}/nothing-here.git`;
    const repository = await t.graphqlOk(
      `mutation($url: String!) { createGitRepository(input: { name: "missing-plain", url: $url }) { id } }`,
      { url: missing },
    );
    const result = await testRepository(t, repository.createGitRepository.id);
    expect(result.connectionStatus).toBe('FAILED');
    expect(result.validationError).toMatch(/not found|not reachable/);
    expect(result.validationError).not.toMatch(/credential/i);
  });

  it('a missing repository with credentials set: says the credentials may be the reason', async ({ t }) => {
    const missing = `file://${await makeScratchDir()}/nothing-here.git`;
    const repository = await t.graphqlOk(
      `mutation($url: String!) { createGitRepository(input: { name: "missing-token", url: $url, credentials: { token: "a-token-of-some-length" } }) { id } }`,
      { url: missing },
    );
    const result = await testRepository(t, repository.createGitRepository.id);
    expect(result.connectionStatus).toBe('FAILED');
    expect(result.validationError).toMatch(/not found/);
    expect(result.validationError).toMatch(/credentials/);
    expect(result.validationError).not.toContain('a-token-of-some-length');
  });

  it('a reachable repository connects', async ({ t }) => {
    expect(await testRepository(t, existingId)).toEqual({ connectionStatus: 'CONNECTED', validationError: null });
  });
});

describe('URLs stored before the check are scrubbed by a migration', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  beforeAll(async () => {
    database = await createTestDatabase();
    orm = await initOrm({ url: database.url });
  });
  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('removes the credentials from url and validation_error, keeps what is not secret, and says so', async () => {
    await orm.migrator.up({ to: 'Migration20261122044721_event_payload' });
    const stored: [string, string, string | null][] = [
      [
        'https-userinfo',
        `https://alice:${SECRET}@git.example.test/acme/fabric.git`,
        `fatal: unable to access 'https://alice:${SECRET}@git.example.test/acme/fabric.git/'`,
      ],
      ['https-token-user', `https://${SECRET}@github.com/acme/fabric`, null],
      ['ssh-password', `ssh://git:${SECRET}@git.example.test:2222/fabric.git`, null],
      ['scp-password', `git:${SECRET}@git.example.test:acme/fabric.git`, null],
      ['git-userinfo', `git://alice:${SECRET}@git.example.test/fabric.git`, null],
      ['file-userinfo', `file://alice:${SECRET}@/srv/git/fabric.git`, null],
      ['query-only', `https://git.example.test/fabric.git?access_token=${SECRET}`, null],
      ['query-mixed', `https://git.example.test/fabric.git?ref=main&private_token=${SECRET}&depth=1`, null],
      ['clean-ssh', 'ssh://git@git.example.test/fabric.git', null],
      [
        'clean-scp',
        'git@github.com:acme/fabric.git',
        `error: failed to push some refs to 'git@github.com:acme/fabric.git'`,
      ],
      [
        'clean-message',
        'https://github.com/acme/clean',
        `fatal: repository 'https://github.com/acme/clean?token=${SECRET}' not found`,
      ],
    ];
    for (const [name, url, validationError] of stored) {
      await queryDatabase(
        database.url,
        `insert into git_repository (id, name, url, validation_error, connection_status, created_at, updated_at) values (gen_random_uuid(), $1, $2, $3, 'connected', now(), now())`,
        [name, url, validationError],
      );
    }
    await migrateToLatest(orm);
    const rows = await queryDatabase<{
      name: string;
      url: string;
      validation_error: string | null;
      connection_status: string;
    }>(database.url, 'select name, url, validation_error, connection_status from git_repository order by name');
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(Object.fromEntries(rows.map((row) => [row.name, row.url]))).toEqual({
      'https-userinfo': 'https://git.example.test/acme/fabric.git',
      'https-token-user': 'https://github.com/acme/fabric',
      'ssh-password': 'ssh://git@git.example.test:2222/fabric.git',
      'scp-password': 'git@git.example.test:acme/fabric.git',
      'git-userinfo': 'git://git.example.test/fabric.git',
      'file-userinfo': 'file:///srv/git/fabric.git',
      'query-only': 'https://git.example.test/fabric.git',
      'query-mixed': 'https://git.example.test/fabric.git?ref=main&depth=1',
      'clean-ssh': 'ssh://git@git.example.test/fabric.git',
      'clean-scp': 'git@github.com:acme/fabric.git',
      'clean-message': 'https://github.com/acme/clean',
    });
    // A repository whose URL lost its credentials is told so, and must be tested again.
    expect(byName.get('https-userinfo')).toMatchObject({
      connection_status: 'failed',
      validation_error: expect.stringContaining('credentials'),
    });
    expect(byName.get('query-only')?.validation_error).toContain('credentials');
    // Untouched URLs keep their state; a message quoting a secret loses only the secret.
    expect(byName.get('clean-scp')).toMatchObject({
      connection_status: 'connected',
      validation_error: `error: failed to push some refs to 'git@github.com:acme/fabric.git'`,
    });
    expect(byName.get('clean-message')).toMatchObject({
      connection_status: 'connected',
      validation_error: `fatal: repository 'https://github.com/acme/clean?token=***' not found`,
    });
  });
});
