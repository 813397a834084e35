// Preloaded into a gateway process (`NODE_OPTIONS=--import <this file>`, MODULE_LOG=<file>): appends
// the URL of every module the process loads to MODULE_LOG, one a line, as it loads.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const log = process.env.MODULE_LOG;
if (log) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
