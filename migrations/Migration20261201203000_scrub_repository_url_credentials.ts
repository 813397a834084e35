import { Migration } from '@mikro-orm/migrations';

/**
 * Repository URLs may no longer carry credentials (src/git/repository-url.ts refuses them); this
 * removes those stored before the check, in plain SQL so it stays what it was when written:
 *
 * - userinfo of http(s)://, git:// and file:// URLs, the password of ssh:// and scp-style URLs
 *   (their user name stays: `ssh://git@host`);
 * - query and fragment parameters whose name looks like a credential (`access_token`, `sig`...);
 * - the same in `validation_error`, where git may have quoted such a URL (replaced by `***`).
 *
 * A repository whose URL changed is marked failed, with a message saying to give the
 * credentials in the credentials field. What was removed cannot be brought back: `down` does nothing.
 */
const NAMES = '(token|pass|pwd|secret|key|sig|auth|cred|session|jwt|bearer)';

function scrubUrl(column: string): string {
  let sql = column;
  sql = `regexp_replace(${sql}, '^(ssh://[^/?#:@]*):[^/?#]*@', '\\1@', 'i')`;
  sql = `regexp_replace(${sql}, '^((https?|git|file)://)[^/?#]*@', '\\1', 'i')`;
  sql = `regexp_replace(${sql}, '^([^/@:]*):[^/]*@', '\\1@')`;
  sql = `regexp_replace(${sql}, '([?&#;])[^=&#;]*${NAMES}[^=&#;]*=[^&#;]*', '\\1', 'gi')`;
  // What removing parameters leaves behind: `?&a=1`, `a=1&&b=2`, a trailing `?` or `&`.
  sql = `regexp_replace(${sql}, '([?&#;])[&;]+', '\\1', 'g')`;
  sql = `regexp_replace(${sql}, '[?&#;]+$', '')`;
  return sql;
}

/** Free text (git's messages): what a URL in it carries becomes `***`. */
function scrubText(column: string): string {
  const other = `[^=&#;[:space:]''"<>]`;
  let sql = column;
  sql = `regexp_replace(${sql}, '([a-z][a-z0-9+.-]*://)[^/[:space:]''"<>]+@', '\\1***@', 'gi')`;
  sql = `regexp_replace(${sql}, '(^|[[:space:]''"<(=])([^[:space:]''"/@:<>]+):[^[:space:]''"/<>]+@([a-zA-Z0-9_.-]+:)', '\\1\\2:***@\\3', 'g')`;
  sql = `regexp_replace(${sql}, '([?&#;]${other}*${NAMES}${other}*=)[^&#;[:space:]''"<>]+', '\\1***', 'gi')`;
  return sql;
}

export class Migration20261201203000_scrub_repository_url_credentials extends Migration {
  override name = 'Migration20261201203000_scrub_repository_url_credentials';

  override up(): void | Promise<void> {
    this.addSql(
      `update "git_repository" set "validation_error" = ${scrubText('"validation_error"')} where "validation_error" is not null;`,
    );
    this.addSql(
      `update "git_repository" set "url" = ${scrubUrl('"url"')}, "connection_status" = 'failed', ` +
        `"validation_error" = 'the URL carried credentials, which were removed from it; give them in the credentials field (credentials: { token }, { username, password } or { sshPrivateKey }) and test the repository again' ` +
        `where ${scrubUrl('"url"')} <> "url";`,
    );
  }

  override down(): void | Promise<void> {
    // The removed credentials are gone; nothing to restore.
  }
}
