import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretDecryptionError } from '../../src/secrets/secret-box.ts';
import { queryDatabase } from '../support/database.ts';
import { createFabric } from '../support/fixtures.ts';
import { appTest } from '../support/app-fixture.ts';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never produces the same ciphertext twice', () => {
    const first = box.seal('token-value');
    expect(box.open(first)).toBe('token-value');
    expect(box.seal('token-value')).not.toBe(first);
    expect(first).not.toContain('token-value');
  });

  it('refuses a tampered value and a value sealed under another key', () => {
    const sealed = box.seal('token-value');
    const parts = sealed.split(':');
    parts[4] = Buffer.from('tampered').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow(SecretDecryptionError);
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(sealed)).toThrow(/sealed under key/);
  });
});

describe('secrets through the API', () => {
  const it = appTest;
  const secrets = {
    token: 'ghp_SECRET_git_token_0001',
    password: 'SECRET-basic-password-0002',
    sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETKEYMATERIAL0003\n-----END OPENSSH PRIVATE KEY-----',
    webhookSecret: 'SECRET-webhook-0004',
    kubeToken: 'SECRET-kube-token-0005',
    kubeconfig: 'SECRET-kubeconfig-client-key-0006',
  };

  it('stores every secret encrypted, never returns one, and never logs one', async ({ t }) => {
    const responses: unknown[] = [];
    const created = await t.graphql(
      `mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id hasCredentials hasWebhookSecret authType } }`,
      {
        input: {
          name: 'secret-repo',
          url: 'https://github.com/acme/net',
          credentials: {
            token: secrets.token,
            username: 'bot',
            password: secrets.password,
            sshPrivateKey: secrets.sshPrivateKey,
          },
          webhookSecret: secrets.webhookSecret,
        },
      },
    );
    responses.push(created);
    const repositoryId = (created.data as any).createGitRepository.id;
    const kubeconfig = `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: { cluster: k }\nclusters:\n- name: k\n  cluster: { server: "https://kube.example:6443" }\nusers:\n- name: u\n  user: { client-key-data: ${secrets.kubeconfig} }\n`;
    const fabric = await createFabric(t, {
      name: 'secret-fabric',
      gitRepositoryId: repositoryId,
      kubernetes: { kubeconfig },
    });
    const other = await createFabric(t, {
      name: 'secret-fabric-2',
      kubernetes: { server: 'https://k2:6443', token: secrets.kubeToken },
    });
    // An invalid request that carries a secret: the error must not echo it.
    responses.push(
      await t.graphql(`mutation($input: CreateGitRepositoryInput!) { createGitRepository(input: $input) { id } }`, {
        input: { name: 'secret-repo', url: 'https://github.com/acme/net', credentials: { token: secrets.token } },
      }),
    );
    responses.push(
      await t.graphql(
        `{ gitRepositories { id name url hasCredentials hasWebhookSecret authType } fabrics { id kubernetes { server namespaces hasCredentials } } }`,
      ),
    );

    expect((responses.at(-1) as any).data.fabrics.find((f: any) => f.id === fabric.id).kubernetes).toEqual({
      server: 'https://kube.example:6443',
      namespaces: [],
      hasCredentials: true,
    });

    const [repositoryRow] = await queryDatabase<Record<string, string>>(
      t.database.url,
      `select * from git_repository where id = $1`,
      [repositoryId],
    );
    const fabricRows = await queryDatabase<Record<string, string>>(
      t.database.url,
      `select * from fabric where id in ($1, $2)`,
      [fabric.id, other.id],
    );
    const stored = JSON.stringify([repositoryRow, fabricRows]);
    const everythingSeen = JSON.stringify(responses) + stored + t.logs();
    for (const [name, value] of Object.entries(secrets)) {
      expect(everythingSeen.includes(value), `${name} leaked`).toBe(false);
    }
    // ...yet the gateway can read them back for its adapters.
    const services = t.app.services();
    const repository = await services.gitRepositories.get(repositoryId);
    expect(await services.gitRepositories.readCredentials(repository)).toMatchObject({
      token: secrets.token,
      password: secrets.password,
    });
    const otherFabric = await services.fabrics.get(other.id);
    expect(await services.fabrics.readKubernetesCredentials(otherFabric)).toMatchObject({ token: secrets.kubeToken });
  });
});
