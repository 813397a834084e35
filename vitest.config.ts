import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: parallel files mostly fight over CPU and the embedded databases.
    maxWorkers: 2,
  },
});
