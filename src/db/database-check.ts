import pg from 'pg';
import type { Logger } from '../logger.ts';
import { StartupError } from '../startup-error.ts';

/**
 * Opens one connection to the database a URL names before the ORM does, so that what stops a
 * start is said in one line that names the server, the database and the user, never the password:
 * a server that cannot be reached, a login it refuses, a database that does not exist.
 *
 * A missing database is created only when `create` is set (DATABASE_CREATE=true): a mistyped
 * name must not quietly start a new, empty gateway with a new admin token. MikroORM would create
 * it by itself (its `ensureDatabase`), which `ormConfig` turns off.
 */
export async function checkDatabase(url: string, options: { create: boolean; logger?: Logger }): Promise<void> {
  const target = describeDatabaseUrl(url);
  try {
    await withClient(url, () => Promise.resolve());
    return;
  } catch (error) {
    if (sqlState(error) !== '3D000') throw connectionFailure(error, target);
  }
  if (!options.create) {
    throw new StartupError(
      `Database "${target.database}" does not exist on ${target.server} (DATABASE_URL). Create it, correct the name, or set DATABASE_CREATE=true to let the gateway create it.`,
    );
  }
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  try {
    await withClient(maintenance.toString(), (client) =>
      client.query(`create database ${quoteIdentifier(target.database)}`),
    );
  } catch (error) {
    if (sqlState(error) !== '42P04') {
      // 42P04: created meanwhile by someone else, which is what was asked for.
      throw new StartupError(
        `Cannot create database "${target.database}" on ${target.server} as "${target.user}" (DATABASE_CREATE=true): ${messageOf(error)}.`,
        { cause: error },
      );
    }
  }
  options.logger?.info(
    { database: target.database, server: target.server },
    `created database "${target.database}" (DATABASE_CREATE=true)`,
  );
}

interface DatabaseTarget {
  /** host:port */
  server: string;
  database: string;
  user: string;
}

/** The parts of a connection URL that may be shown: everything but the password. */
function describeDatabaseUrl(url: string): DatabaseTarget {
  const parsed = new URL(url);
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  return {
    server: `${host}:${parsed.port || parsed.searchParams.get('port') || '5432'}`,
    database:
      decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres',
    user: decodeURIComponent(parsed.username) || 'postgres',
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A connection that breaks after connect must not become an unhandled 'error' event.
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

function connectionFailure(error: unknown, target: DatabaseTarget): StartupError {
  const where = `database "${target.database}" on ${target.server} (DATABASE_URL)`;
  const state = sqlState(error);
  if (state?.startsWith('28')) {
    // 28000 invalid authorization (no such role, pg_hba refusal), 28P01 wrong password.
    return new StartupError(
      `The server refused the login as "${target.user}" to ${where}: ${messageOf(error)}. Check the user and password in DATABASE_URL.`,
      { cause: error },
    );
  }
  if (state)
    return new StartupError(`The server refused the connection to ${where}: ${messageOf(error)}.`, { cause: error });
  const code = networkCode(error);
  const reason =
    (code && NETWORK_REASONS[code]) ?? (/timeout/i.test(messageOf(error)) ? 'no answer within 10 s' : messageOf(error));
  return new StartupError(
    `Cannot reach the database server for ${where}: ${reason}. Check that PostgreSQL runs there and accepts TCP connections.`,
    { cause: error },
  );
}

/** A PostgreSQL error's SQLSTATE, five characters; undefined for network and client errors. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** `net` reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError. */
function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return networkCode(error.errors[0]);
  return undefined;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
