#!/usr/bin/env node
import { commands, usage } from './commands.js';

// The CLI is a thin dispatcher: each command lives in its own file and is loaded only when used,
// so `routekit redact` does not pay for loading the router's training code.
const [name, ...rest] = process.argv.slice(2);
const load = name === undefined ? undefined : commands[name];
if (load === undefined) {
  process.stderr.write(usage());
  process.exitCode = name === undefined || name === '--help' || name === 'help' ? 0 : 2;
} else {
  const command = await load();
  process.exitCode = await command.run(rest);
}
