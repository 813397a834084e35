/**
 * Picks and configures the GitHost adapter for a repository given as plain data: GitHub's API
 * for provider `github`, the git CLI for everything else. The only place that turns credentials
 * into adapter options; nothing here logs or returns them. Only the composition root
 * (`src/app.ts`) calls it; the rest of the gateway gets an `OpenGitHost`.
 */
import { DomainError } from '../errors.ts';
import { CliGitHost, type CliGitHostOptions, type GitAuth } from './cli/cli-git-host.ts';
import type { GitCredentials, GitHost, GitHostTarget, OpenGitHost } from './git-host.ts';
import { GitHubHost, type GitHubHostOptions } from './github/github-host.ts';

/** What the adapters need besides the repository: the gateway's settings. */
export interface GitHostSettings {
  /**
   * Where the native adapter keeps its cached bare clones (`Config.gitCacheDir`), and the GitHub
   * adapter the trees it reads over git when its API cuts a folder.
   */
  cacheDir: string;
  /** REST base URL for GitHub instead of the one derived from the URL (`Config.githubApiUrl`; tests). */
  githubApiUrl?: string | null;
  /** Extra GitHub adapter settings (retry, timeouts, request hook). */
  github?: Partial<Omit<GitHubHostOptions, 'owner' | 'name' | 'token' | 'baseUrl'>>;
  /** Extra git CLI adapter settings (the command hook). */
  cli?: Pick<CliGitHostOptions, 'onCommand'>;
}

export interface GitHubCoordinates {
  owner: string;
  name: string;
  /** REST base URL: `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl: string;
}

/** `https://github.com/acme/fabric(.git)` → owner, name and the API base for that host. */
export function gitHubCoordinates(url: string): GitHubCoordinates {
  const match = /^https:\/\/([^/@]+)\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!match) {
    throw new DomainError('INVALID_INPUT', 'A GitHub repository URL must look like https://<host>/<owner>/<name>', {
      problems: [{ path: '$.url', message: 'expected https://<host>/<owner>/<name>' }],
    });
  }
  const [, host, owner, name] = match as unknown as [string, string, string, string];
  const baseUrl = host.toLowerCase() === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
  return { owner, name, baseUrl };
}

function cliAuth(authType: GitHostTarget['authType'], credentials: GitCredentials | null): GitAuth {
  switch (authType) {
    case 'token':
      if (!credentials?.token) throw missing('a token');
      return {
        type: 'token',
        token: credentials.token,
        ...(credentials.username ? { username: credentials.username } : {}),
      };
    case 'basic':
      if (!credentials?.username || !credentials.password) throw missing('a username and password');
      return { type: 'basic', username: credentials.username, password: credentials.password };
    case 'ssh_key':
      return credentials?.sshPrivateKey ? { type: 'ssh', sshPrivateKey: credentials.sshPrivateKey } : { type: 'ssh' };
    default:
      return { type: 'none' };
  }
}

function missing(what: string): DomainError {
  return new DomainError(
    'INVALID_INPUT',
    `The Git repository has no stored credentials with ${what}; set them with updateGitRepository`,
  );
}

/** The adapter for one repository. Callers should `close()` it when done. */
export function createGitHost(target: GitHostTarget, settings: GitHostSettings): GitHost {
  const { credentials } = target;
  if (target.provider === 'github') {
    const coordinates = gitHubCoordinates(target.url);
    if (!credentials?.token) throw missing('a token (GitHub needs one even for public repositories to commit)');
    return new GitHubHost({
      ...settings.github,
      owner: coordinates.owner,
      name: coordinates.name,
      token: credentials.token,
      baseUrl: settings.githubApiUrl ?? coordinates.baseUrl,
      // Folders GitHub's API cuts are listed over git at the API's host (gitHubGitUrl), cached here.
      gitProtocol: {
        cacheDir: settings.cacheDir,
        ...(settings.cli?.onCommand ? { onCommand: settings.cli.onCommand } : {}),
      },
    });
  }
  return new CliGitHost({
    ...settings.cli,
    remoteUrl: target.url,
    cacheDir: settings.cacheDir,
    auth: cliAuth(target.authType, credentials),
    author: target.author,
  });
}

/** The gateway's `OpenGitHost`: `createGitHost` with these settings. */
export function gitHostOpener(settings: GitHostSettings): OpenGitHost {
  return (target) => createGitHost(target, settings);
}
