#!/usr/bin/env node
import { commands, usage } from './commands.js';

// The CLI is a thin dispatcher: each command lives in its own file and is loaded only when used,
// so `routekit redact` does not pay for loading the router's training code. Loading happens inside
// runCommand's one-line error handling, so even a broken install (a dependency missing) prints one
// line, not a stack.
const [name, ...rest] = process.argv.slice(2);
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  // Node's own SQLite (the default database) is unflagged from 22.13; say so rather than fail at a stack.
  process.stderr.write(`routekit needs Node >= 22.13; this is Node ${process.versions.node}\n`);
  process.exit(1);
}
const load = name === undefined ? undefined : commands.get(name);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(usage());
} else if (load === undefined) {
  process.stderr.write(`routekit: unknown command ${JSON.stringify(name)}; the commands are ${[...commands.keys()].join(', ')} (see routekit --help)\n`);
  process.exitCode = 2;
} else {
  let runCommand: typeof import('./run-command.js').runCommand;
  try {
    ({ runCommand } = await import('./run-command.js'));
  } catch (error) {
    process.stderr.write(`routekit ${name}: cannot load routekit (${String((error as Error).message).split('\n')[0]}); reinstall @routekit/cli\n`);
    process.exit(1);
  }
  process.exitCode = await runCommand(name, { summary: '', run: async (argv) => (await load()).run(argv) }, rest);
}
