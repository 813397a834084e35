// Runs an entry point from the built server: `node scripts/run-built.mjs src/main.ts [args...]`
// runs dist/src/main.js (`npm start`, `npm run migrate`, `npm run token:create`, ...), building
// dist/ first when it is missing or older than the sources, so `npm install && npm start` still
// does everything. The entry runs in this process (no second Node start): its arguments are the
// ones after the entry's name. Plain JavaScript: it runs before anything is compiled.
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, buildState, DIST, ROOT } from './build.mjs';

// V8's compiled code of every module, kept on disk between starts (Node's own cache, in the
// system's temporary folder unless NODE_COMPILE_CACHE names one; keyed by file content and Node
// version, so a rebuild or an upgrade never runs stale code). A restart then skips compiling
// ~1,800 modules: about 15% of its CPU time (docs/architecture.md, "Start-up"). Failing to
// enable it (a read-only file system) only costs that time. Absent before Node 22.1.
module.enableCompileCache?.();

const entry = process.argv[2];
if (!entry?.endsWith('.ts')) {
  console.error('usage: node scripts/run-built.mjs <entry .ts path, e.g. src/main.ts> [arguments...]');
  process.exit(2);
}

const state = buildState();
if (state === 'missing' || state === 'stale') {
  console.error(
    state === 'missing'
      ? 'Building the gateway (dist/ is missing)...'
      : 'Rebuilding the gateway (the sources changed)...',
  );
  try {
    // Emit only: types are checked by `npm run build` and `npm run typecheck`, as tsx never did.
    build({ check: false });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

// The entry sees its own arguments where it would as `node dist/src/main.js ...`.
process.argv.splice(2, 1);
await import(
  pathToFileURL(path.join(DIST, path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, '.js'))).href
);
// The entry has started (the gateway serves): its compiled code goes to disk now, not only at a
// clean exit, so that the next start after a SIGKILL finds it too.
module.flushCompileCache?.();
