/**
 * The one place that decides whether a Git repository URL may be stored and handed to git, and
 * the one that blanks credentials out of text that quotes URLs (errors, logs).
 *
 * A stored URL is shown to every viewer and echoed by git in its messages, so it must never carry
 * a secret: no password in the userinfo (`https://user:pw@`, `ssh://user:pw@`, scp-style
 * `user:pw@host:path`), no userinfo at all where it can only be a credential (`http(s)://`,
 * `git://`, `file://`), and no credential-like query or fragment parameter (`?access_token=`,
 * `private_token`, `password`, `key`, `sig`...). The way to give credentials is the repository's
 * `credentials` field, which is stored encrypted. A user name alone stays allowed where it is the
 * account, not a secret: `ssh://git@host/org/repo` and scp-style `git@host:org/repo`.
 *
 * Nothing may start with `-` where git could read it as an option (`-oProxyCommand=...@host:x`).
 */

const SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'file']);
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** Query or fragment parameter names that carry a credential (matched anywhere in the name). */
const CREDENTIAL_PARAMETER = /token|pass|pwd|secret|key|sig|auth|cred|session|jwt|bearer/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const HTTPS_CREDENTIALS = 'credentials: { token } (or credentials: { username, password })';

/** Why `url` may not be stored as a repository URL, or null when it may. Never quotes the URL. */
export function repositoryUrlProblem(url: string): string | null {
  if (CONTROL.test(url)) return 'must not contain control characters';
  const credentials = urlCredentialProblem(url);
  if (credentials !== null) return credentials;
  const scheme = SCHEME.exec(url);
  if (scheme) {
    if (!SCHEMES.has(scheme[1]!.toLowerCase())) return FORMS;
    const { userinfo, host } = authorityOf(url.slice(scheme[0].length));
    if (userinfo === '' || userinfo?.startsWith('-'))
      return 'must name a user that does not start with "-" (ssh://git@host/...)';
    if (host.startsWith('-')) return 'must not name a host that starts with "-"';
    return null;
  }
  const scp = /^([\w.-]+)@([\w.-]+):/.exec(url);
  if (!scp) return FORMS;
  if (scp[1]!.startsWith('-') || scp[2]!.startsWith('-'))
    return 'must not start its user or host with "-" (git would read it as an option)';
  return null;
}

/**
 * Why `url` carries credentials (naming the `credentials` field to use instead), or null. Any
 * URL form git understands is looked at, also those the gateway does not store.
 */
export function urlCredentialProblem(url: string): string | null {
  const parameter = credentialParameter(url);
  if (parameter !== null) {
    return `must not carry a credential in its query (parameter ${JSON.stringify(parameter)}); give it as ${HTTPS_CREDENTIALS}`;
  }
  const scheme = SCHEME.exec(url);
  if (!scheme) {
    // scp-style: [user@]host:path, which git hands to ssh.
    return /^[^/@:]*:[^/]*@/.test(url)
      ? 'must not carry a password; use user@host:path with credentials: { sshPrivateKey }'
      : null;
  }
  const name = scheme[1]!.toLowerCase();
  const { userinfo } = authorityOf(url.slice(scheme[0].length));
  if (userinfo === null) return null;
  if (name === 'ssh') {
    return userinfo.includes(':')
      ? 'must not carry a password; use ssh://user@host/... with credentials: { sshPrivateKey }'
      : null;
  }
  if (name === 'git' || name === 'file')
    return `must not carry a user name or password (a ${name}:// URL has no use for them; credentials belong in the credentials field)`;
  return `must not carry a user name or password; give them as ${HTTPS_CREDENTIALS}`;
}

const FORMS = 'must be an https://, ssh://, git://, file:// or scp-style (user@host:path) URL';

/** The userinfo (up to the last `@`, null when none) and host[:port] of what follows `scheme://`. */
function authorityOf(rest: string): { userinfo: string | null; host: string } {
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  return { userinfo: at === -1 ? null : authority.slice(0, at), host: authority.slice(at + 1) };
}

/** The first query or fragment parameter of `url` whose name looks like a credential, or null. */
function credentialParameter(url: string): string | null {
  const start = url.search(/[?#]/);
  if (start === -1) return null;
  for (const pair of url.slice(start + 1).split(/[?&#;]/)) {
    const name = decodeLoosely(pair.split('=')[0] ?? '');
    if (name !== '' && CREDENTIAL_PARAMETER.test(name)) return name;
  }
  return null;
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Blanks every credential a URL in `text` may carry: userinfo (`scheme://***@`), the password of
 * scp-style `user:pw@host:`, and the values of credential-like query parameters.
 */
export function scrubUrlCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s'"<>]+@/gi, '$1***@')
    .replace(/(^|[\s'"<(=])([^\s'"/@:<>]+):[^\s'"/<>]+@(?=[\w.-]+:)/g, '$1$2:***@')
    .replace(
      /([?&#;][^=&#;\s'"<>]*(?:token|pass|pwd|secret|key|sig|auth|cred|session|jwt|bearer)[^=&#;\s'"<>]*=)[^&#;\s'"<>]+/gi,
      '$1***',
    );
}
