import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships a CommonJS and an ESM build; Node loads the CommonJS one for the libraries,
    // so our own sources must get the same one or the schema would mix two realms.
    alias: [
      { find: /^graphql$/, replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The run's PostgreSQL server: TEST_DATABASE_URL, or one embedded server for the whole run.
    globalSetup: ['test/support/global-database.ts'],
    // A JSON report of the run; .ci/run turns it into one closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: parallel files mostly fight over CPU.
    maxWorkers: 2,
  },
});
