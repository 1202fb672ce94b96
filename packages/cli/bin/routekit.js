#!/usr/bin/env node
// The `routekit` command. It loads the built CLI; in a clone of the repository `npm install` builds it
// (the root `prepare` script), and this says what to run if that build is missing.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('routekit: the CLI is not built yet; run `npm run build` in the routekit repository (or reinstall @routekit/cli)\n');
  process.exit(1);
}
await import(main.href);
