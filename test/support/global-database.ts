import type { TestProject } from 'vitest/node';
import { startTemporaryPostgres } from '../../src/db/embedded-postgres.ts';

/**
 * vitest globalSetup: the PostgreSQL server of the whole run. TEST_DATABASE_URL names one (its
 * login must be allowed to create databases); otherwise ONE embedded server is started for the
 * run, in a temporary folder removed at the end. Each test file makes its own databases on it
 * (test/support/database.ts).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('testDatabaseUrl', given);
    return undefined;
  }
  const server = await startTemporaryPostgres();
  project.provide('testDatabaseUrl', server.url);
  return () => server.stop();
}
