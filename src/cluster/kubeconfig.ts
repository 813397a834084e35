/**
 * Reads a kubeconfig that a user gave: YAML parsed here, then checked against an allow-list of
 * inline fields in EVERY entry, before any library sees it. Anything that would make the gateway
 * read a local file (`certificate-authority`, `client-certificate`, `client-key`, `token-file`),
 * run a command (`exec`), use a credential provider (`auth-provider`), go through a proxy or
 * impersonate (`proxy-url`, `as`), and any field not listed below, is a problem naming its location
 * (`users[0].user.token-file`). Problems never quote a value, so no path or secret is echoed.
 *
 * Pure (no I/O); the adapter builds @kubernetes/client-node's KubeConfig from the result, so the
 * library never parses the text and never touches the filesystem.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { serverProblem, type GatewayAddress } from './cluster-server.ts';

export interface KubeconfigProblem {
  /** Location in the kubeconfig, e.g. `users[0].user.token-file` (empty for the whole document). */
  path: string;
  message: string;
}

export interface KubeconfigCluster {
  name: string;
  server: string;
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
}

export interface KubeconfigUser {
  name: string;
  token?: string;
  certData?: string;
  keyData?: string;
  username?: string;
  password?: string;
}

/** What the current context uses, and nothing else. */
export interface ParsedKubeconfig {
  context: { name: string; namespace?: string };
  cluster: KubeconfigCluster;
  user: KubeconfigUser | undefined;
}

export type KubeconfigResult = { ok: true; config: ParsedKubeconfig } | { ok: false; problems: KubeconfigProblem[] };

const CREDENTIALS_FIELD = 'users[].user (token, client-certificate-data and client-key-data, or username and password)';

/** Why a well-known field is refused, and what to give instead. */
const REFUSED: Record<string, string> = {
  'certificate-authority': 'reads a local file, which is not accepted; give certificate-authority-data',
  'client-certificate': 'reads a local file, which is not accepted; give client-certificate-data',
  'client-key': 'reads a local file, which is not accepted; give client-key-data',
  'token-file': 'reads a local file, which is not accepted; give token',
  tokenFile: 'reads a local file, which is not accepted; give token',
  exec: 'runs a command (exec credential plugin), which is not accepted; give a token or client certificate data',
  'auth-provider': 'uses an auth provider, which is not accepted; give a token or client certificate data',
  'proxy-url': 'a proxy is not accepted; the gateway connects to the server directly',
  as: 'impersonation is not accepted; give the credentials of the identity to use',
  'as-groups': 'impersonation is not accepted; give the credentials of the identity to use',
  'as-uid': 'impersonation is not accepted; give the credentials of the identity to use',
  'as-user-extra': 'impersonation is not accepted; give the credentials of the identity to use',
};
const UNKNOWN = 'is not an accepted kubeconfig field (inline credentials only: see docs/cluster.md)';

const name = z.string().min(1).max(253);
const inline = z.string().min(1).max(65_536);
/** Free-form metadata that kubectl and minikube write; accepted and never used. */
const ignored = { extensions: z.array(z.unknown()).optional() };

const KubeconfigSchema = z
  .object({
    apiVersion: z.literal('v1').optional(),
    kind: z.literal('Config').optional(),
    'current-context': name,
    preferences: z.record(z.string(), z.unknown()).optional(),
    ...ignored,
    clusters: z
      .array(
        z
          .object({
            name,
            cluster: z
              .object({
                server: z.string().min(1).max(2048),
                'certificate-authority-data': inline.optional(),
                'insecure-skip-tls-verify': z.boolean().optional(),
                'tls-server-name': z.string().min(1).max(253).optional(),
                ...ignored,
              })
              .strict(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    users: z
      .array(
        z
          .object({
            name,
            user: z
              .object({
                token: inline.optional(),
                'client-certificate-data': inline.optional(),
                'client-key-data': inline.optional(),
                username: z.string().min(1).max(1024).optional(),
                password: z.string().min(1).max(1024).optional(),
                ...ignored,
              })
              .strict(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    contexts: z
      .array(
        z
          .object({
            name,
            context: z
              .object({
                cluster: name,
                user: name.optional(),
                namespace: z.string().min(1).max(63).optional(),
                ...ignored,
              })
              .strict(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();

export function parseKubeconfig(
  text: string,
  options: { gateway?: GatewayAddress | undefined } = {},
): KubeconfigResult {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    // The parser's message quotes the source: give only its code and position.
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    const code = error instanceof YAMLParseError ? ` (${error.code}${where})` : '';
    return { ok: false, problems: [{ path: '', message: `not valid YAML${code}` }] };
  }
  const parsed = KubeconfigSchema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap(problemsOf) };
  const config = parsed.data;

  const problems: KubeconfigProblem[] = [];
  config.clusters.forEach((entry, index) => {
    const problem = serverProblem(entry.cluster.server, {
      credentialsField: CREDENTIALS_FIELD,
      gateway: options.gateway,
    });
    if (problem) problems.push({ path: `clusters[${index}].cluster.server`, message: problem });
  });
  for (const [list, entries] of [
    ['clusters', config.clusters],
    ['users', config.users ?? []],
    ['contexts', config.contexts],
  ] as const) {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.name))
        problems.push({ path: `${list}[${index}].name`, message: 'is used by an earlier entry; names must be unique' });
      seen.add(entry.name);
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const context = config.contexts.find((entry) => entry.name === config['current-context']);
  if (!context) return { ok: false, problems: [{ path: 'current-context', message: 'names no entry of contexts' }] };
  const contextIndex = config.contexts.indexOf(context);
  const cluster = config.clusters.find((entry) => entry.name === context.context.cluster);
  if (!cluster)
    return {
      ok: false,
      problems: [{ path: `contexts[${contextIndex}].context.cluster`, message: 'names no entry of clusters' }],
    };
  const userName = context.context.user;
  const user = userName === undefined ? undefined : config.users?.find((entry) => entry.name === userName);
  if (userName !== undefined && !user)
    return {
      ok: false,
      problems: [{ path: `contexts[${contextIndex}].context.user`, message: 'names no entry of users' }],
    };

  return {
    ok: true,
    config: {
      context: { name: context.name, ...defined({ namespace: context.context.namespace }) },
      cluster: {
        name: cluster.name,
        server: cluster.cluster.server,
        insecureSkipTlsVerify: cluster.cluster['insecure-skip-tls-verify'] === true,
        ...defined({
          caData: cluster.cluster['certificate-authority-data'],
          tlsServerName: cluster.cluster['tls-server-name'],
        }),
      },
      user: user && {
        name: user.name,
        ...defined({
          token: user.user.token,
          certData: user.user['client-certificate-data'],
          keyData: user.user['client-key-data'],
          username: user.user.username,
          password: user.user.password,
        }),
      },
    },
  };
}

/** `users[0].user.token-file: reads a local file, ...; ...` */
export function describeProblems(problems: readonly KubeconfigProblem[]): string {
  return problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('; ');
}

function problemsOf(issue: z.core.$ZodIssue): KubeconfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: REFUSED[key] ?? UNKNOWN }));
  }
  // zod's messages name the expected type or bound, never the value received.
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      text += /^[A-Za-z0-9_-]{1,64}$/.test(key) ? `${text ? '.' : ''}${key}` : `[${JSON.stringify(key.slice(0, 64))}]`;
    }
  }
  return text;
}

function defined<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as never;
}
