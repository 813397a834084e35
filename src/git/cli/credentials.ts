/**
 * Credentials for the git CLI, passed only through the child's environment and files only we can
 * read: never in argv (visible in `ps`) nor in the remote URL (stored in config, echoed in errors).
 *
 * - token/basic: `GIT_ASKPASS` points at a small script that prints the username or password from
 *   environment variables; the script itself holds no secret.
 * - ssh: the key is written to a fresh temporary directory with mode 600 for one operation and
 *   removed afterwards; `GIT_SSH_COMMAND` points ssh at it.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type GitAuth =
  | { type: 'none' }
  /** An https token; the username defaults to `x-access-token` (GitHub's convention). */
  | { type: 'token'; token: string; username?: string }
  | { type: 'basic'; username: string; password: string }
  /** An ssh private key (OpenSSH PEM text). Without a key, ssh uses the agent at SSH_AUTH_SOCK. */
  | { type: 'ssh'; sshPrivateKey?: string };

const ASKPASS_SCRIPT = `#!/bin/sh
# Written by the Hedgehog gateway: answers git's credential prompts from the environment.
case "$1" in
  [Uu]sername*) printf '%s\\n' "$HNP_GIT_USERNAME" ;;
  *) printf '%s\\n' "$HNP_GIT_PASSWORD" ;;
esac
`;

export function secretsOf(auth: GitAuth): string[] {
  switch (auth.type) {
    case 'token':
      return [auth.token];
    case 'basic':
      return [auth.password];
    case 'ssh':
      return auth.sshPrivateKey ? [auth.sshPrivateKey.trim()] : [];
    case 'none':
      return [];
  }
}

export async function writeAskpassScript(path: string): Promise<void> {
  await writeFile(path, ASKPASS_SCRIPT, { mode: 0o700 });
  await chmod(path, 0o700);
}

export interface CredentialSession {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** Environment for one git operation; call `dispose` when the operation ends. */
export async function openCredentialSession(
  auth: GitAuth,
  paths: { askpassScript: string; knownHostsFile: string },
): Promise<CredentialSession> {
  switch (auth.type) {
    case 'none':
      return { env: {}, dispose: async () => {} };
    case 'token':
    case 'basic':
      return {
        env: {
          GIT_ASKPASS: paths.askpassScript,
          HNP_GIT_USERNAME: auth.type === 'token' ? (auth.username ?? 'x-access-token') : auth.username,
          HNP_GIT_PASSWORD: auth.type === 'token' ? auth.token : auth.password,
        },
        dispose: async () => {},
      };
    case 'ssh': {
      const sshOptions = `-o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='${paths.knownHostsFile}'`;
      if (!auth.sshPrivateKey) {
        // HOME is ours, so ~/.ssh keys are out of reach; only the caller's agent can help.
        const agent = process.env.SSH_AUTH_SOCK;
        return {
          env: { GIT_SSH_COMMAND: `ssh ${sshOptions}`, ...(agent ? { SSH_AUTH_SOCK: agent } : {}) },
          dispose: async () => {},
        };
      }
      const directory = await mkdtemp(join(tmpdir(), 'hnp-ssh-'));
      const keyFile = join(directory, 'key');
      await writeFile(keyFile, `${auth.sshPrivateKey.trim()}\n`, { mode: 0o600, flag: 'wx' });
      return {
        env: { GIT_SSH_COMMAND: `ssh -i '${keyFile}' -o IdentitiesOnly=yes ${sshOptions}` },
        dispose: () => rm(directory, { recursive: true, force: true }),
      };
    }
  }
}
