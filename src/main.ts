// First: on an older Node this ends the process with one line saying what to install, before
// the libraries below load (they fail while loading with errors that say nothing useful).
import './node-version.ts';
import { buildApp, type App } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { createLogger } from './logger.ts';
import { limitHeapGrowth, startMemoryReleaser } from './memory.ts';
import { StartupError } from './startup-error.ts';

const startedAt = performance.now();
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel });
const app = await startGateway(config);

/** A start that fails for a reason the person starting it can fix ends with one line and exit code 1, no stack trace. */
async function startGateway(config: Config): Promise<App> {
  let app: App | null = null;
  try {
    await lockDataDir(config.dataDir, 'gateway'); // released when the process exits
    app = await buildApp(config, { logger });
    // Serves first; the first start's admin token is made and printed only once it does.
    await app.start();
    return app;
  } catch (error) {
    await app?.stop().catch(() => {});
    if (!(error instanceof StartupError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

// How far V8's heap grows between full collections: the resident set under load.
limitHeapGrowth(config.heapGrowthPercent);

// Hands V8's spare pages back once the gateway is quiet after a peak (a large pull, a load run).
if (config.memoryReleaseIntervalMs > 0) {
  startMemoryReleaser({
    intervalMs: config.memoryReleaseIntervalMs,
    onRelease: ({ before, after }) =>
      logger.info(
        { rssBeforeMiB: Math.round(before / 2 ** 20), rssAfterMiB: Math.round(after / 2 ** 20) },
        'memory released',
      ),
  });
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

// Said only once the signal handlers are in place: whoever waits for this line may stop it at once.
logger.info(
  { url: `${app.url}/graphql`, database: config.database.kind, startupMs: Math.round(performance.now() - startedAt) },
  `gateway ready at ${app.url}/graphql`,
);
