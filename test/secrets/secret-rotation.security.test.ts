import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { appTest } from '../support/app-fixture.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { reencryptSecrets } from '../../src/secrets/reencrypt.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';

const it = appTest;

it('re-encrypts every stored secret under a new key, once', async ({ t }) => {
  const repository = await t.graphqlOk(
    `mutation { createGitRepository(input: { name: "rotating", url: "https://github.com/acme/x", credentials: { token: "rotate-me-1" }, webhookSecret: "rotate-me-2" }) { id } }`,
  );
  await createFabric(t, { name: 'rotating', kubernetes: { server: 'https://k:6443', token: 'rotate-me-3' } });
  const to = new SecretBox(randomBytes(32));
  const first = await reencryptSecrets(t.app.orm, { from: t.app.secretBox, to });
  expect(first).toEqual({ reencrypted: 3, alreadyCurrent: 0 });
  const second = await reencryptSecrets(t.app.orm, { from: t.app.secretBox, to });
  expect(second).toEqual({ reencrypted: 0, alreadyCurrent: 3 });

  const [row] = await queryDatabase<{ c: string; w: string }>(
    t.database.url,
    'select encrypted_credentials as c, encrypted_webhook_secret as w from git_repository where id = $1',
    [repository.createGitRepository.id],
  );
  expect(JSON.parse(to.open(row!.c))).toEqual({ token: 'rotate-me-1' });
  expect(to.open(row!.w)).toBe('rotate-me-2');
  expect(() => t.app.secretBox.open(row!.c)).toThrow(/sealed under key/);
});
