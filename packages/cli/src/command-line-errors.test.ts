import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from './commands.js';
import { calibrate } from './commands/calibrate.js';
import { evaluate } from './commands/evaluate.js';
import { serve } from './commands/serve.js';
import { train } from './commands/train.js';
import { runCommand } from './run-command.js';

// The CLI as a person runs it: a child process, its exit code and what it prints on stderr. Each
// child loads the TypeScript sources through tsx (about 2 s of CPU), hence the long test timeouts and
// one bad value per command here; the other values are checked in-process beside each command.
const repository = join(import.meta.dirname, '..', '..', '..');
const main = join(import.meta.dirname, 'main.ts');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function routekit(args: string[], environment: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@routekit/source', '--import', 'tsx', main, ...args],
      { cwd: repository, timeout: 60_000, env: { ...process.env, ROUTEKIT_DEBUG: '', ...environment } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

let directory: string;
let rows: string;
let pairs: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'routekit-cli-errors-'));
  rows = join(directory, 'rows.jsonl');
  await writeFile(rows, '{"prompt":"What is 2 + 2?","scores":{"big":1,"small":1}}\n');
  pairs = join(directory, 'pairs.jsonl');
  await writeFile(pairs, '{"a":"What is 2 + 2?","b":"what is 2+2","duplicate":true}\n');
});

/** One line on stderr, naming `flag`, and no stack trace. */
function expectOneLineNaming(outcome: Outcome, flag: string): void {
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
  expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(outcome.stderr).toContain(flag);
  expect(outcome.stdout).toBe('');
}

// Every command, with the arguments it needs besides the bad one.
const commandCases: [name: string, needed: () => string[]][] = [
  ['serve', () => []],
  ['train', () => [rows]],
  ['calibrate', () => ['--strong-share', '0.3']],
  ['evaluate', () => [rows]],
  ['cache-eval', () => [pairs]],
  ['redact', () => []],
  ['keys', () => ['list']],
  ['recommend', () => []],
  ['routers', () => ['list']],
];

describe('routekit with an unknown flag', { timeout: 120_000 }, () => {
  it('covers every command there is', () => {
    expect(commandCases.map(([name]) => name).sort()).toEqual([...commands.keys()].sort());
  });

  it.each(commandCases)('%s exits 2 with one line naming the flag', async (name, needed) => {
    const outcome = await routekit([name, ...needed(), '--no-such-flag']);
    expect(outcome.code).toBe(2);
    expectOneLineNaming(outcome, '--no-such-flag');
    expect(outcome.stderr).toBe(`routekit ${name}: unknown option --no-such-flag (see routekit ${name} --help)\n`);
  });
});

describe('routekit with a bad value', { timeout: 120_000 }, () => {
  const badValues: [name: string, flag: string, args: () => string[]][] = [
    ['serve', '--port', () => ['--port', 'eighty']],
    ['train', '--bits', () => [rows, '--bits', 'many']],
    ['calibrate', '--strong-share', () => ['--strong-share', 'most']],
    ['evaluate', '--router', () => [rows, '--router', 'no-such-router']],
    ['cache-eval', '--threshold', () => [pairs, '--threshold', '1.5']],
    ['cache-eval', '--threshold', () => [pairs, '--threshold']],
    ['redact', '--names', () => ['--names=yes']],
    ['keys', '--rpm', () => ['create', '--tenant', 'acme', '--rpm', 'lots']],
    ['recommend', '--days', () => ['--days', 'many']],
  ];
  it.each(badValues)('%s with a bad %s exits 2 with one line naming it', async (name, flag, args) => {
    const outcome = await routekit([name, ...args()]);
    expect(outcome.code).toBe(2);
    expectOneLineNaming(outcome, flag);
    expect(outcome.stderr.startsWith(`routekit ${name}: `)).toBe(true);
  });

  it.each([
    ['serve', serve, ['--port', '70000'], '--port: expected a port number, 0-65535, got "70000"'],
    ['train', train, ['ROWS', '--map', 'big'], '--map: expected DATA_MODEL=CATALOG_ID pairs separated by commas, got "big"'],
    ['train', train, ['ROWS', '--strong', 'gpt-9'], '--strong: "gpt-9" is not scored in every row of ROWS'],
    ['train', train, ['ROWS', '--folds', '1'], '--folds: expected a whole number of folds, 2 or more, got "1"'],
    ['calibrate', calibrate, ['--strong-share', '0.3', '--router', 'no-such-router'], '--router: expected default, auto, lr, strong-weak, routerbench, multi-model, complexity, router-<name>-<threshold>, learned, learned-v<N> or a router file, got "no-such-router" (no such file)'],
    ['evaluate', evaluate, ['ROWS', '--weak', 'gpt-9'], '--weak gpt-9 is not scored in every row.'],
  ] as const)('%s %s (in-process): exit 2 and the message names the flag', async (name, command, args, message) => {
    let stderr = '';
    const sink = new Writable({ write: (chunk, _encoding, done) => ((stderr += String(chunk)), done()) });
    const code = await runCommand(name, command, args.map((arg) => arg.replace('ROWS', rows)), sink);
    expect(code).toBe(2);
    expect(stderr).toBe(`routekit ${name}: ${message.replace('ROWS', rows)} (see routekit ${name} --help)\n`);
  });

  it('serve with a bad ROUTEKIT_RETRAIN_EVERY, or one without learning, says so in one line naming it', async () => {
    const database = join(directory, 'retrain.db');
    for (const environment of [{ ROUTEKIT_LEARNING: '1', ROUTEKIT_RETRAIN_EVERY: '6 hours' }, { ROUTEKIT_RETRAIN_EVERY: '6h' }]) {
      const outcome = await routekit(['serve', '--port', '0'], { ...environment, ROUTEKIT_DATABASE: database, OPENAI_API_KEY: 'sk-test-not-used' });
      expect(outcome.code).not.toBe(0);
      expectOneLineNaming(outcome, 'ROUTEKIT_RETRAIN_EVERY');
    }
  });

  it('a missing argument is a one-line usage error too', async () => {
    const outcome = await routekit(['cache-eval']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('routekit cache-eval: missing FILE.jsonl argument (labelled pairs) (see routekit cache-eval --help)\n');
  });

  it('an unknown command, even one named like an Object.prototype property, exits 2', async () => {
    const outcome = await routekit(['constructor']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(`routekit: unknown command "constructor"; the commands are ${[...commands.keys()].join(', ')} (see routekit --help)\n`);
  });

  it('a missing file is one line, exit 1', async () => {
    const outcome = await routekit(['cache-eval', join(directory, 'nowhere.jsonl')]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`routekit cache-eval: ${join(directory, 'nowhere.jsonl')}: no such file or directory\n`);
  });

  it('--help still prints the usage on stdout and exits 0', async () => {
    const outcome = await routekit(['calibrate', '--help']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^usage: routekit calibrate --strong-share P/);
  });
});

describe('routekit on a Node older than it needs', { timeout: 120_000 }, () => {
  it('says which Node it needs and which this is, in one line, and exits 1', async () => {
    // Node 22.0-22.12 has no unflagged node:sqlite; pretend to be one through a preload.
    const preload = join(directory, 'old-node.mjs');
    await writeFile(preload, "Object.defineProperty(process.versions, 'node', { value: '22.12.0' });\n");
    const outcome = await new Promise<Outcome>((resolve) => {
      execFile(process.execPath, ['--import', preload, '--conditions=@routekit/source', '--import', 'tsx', main, 'keys', 'list'], { cwd: repository, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe('routekit needs Node >= 22.13; this is Node 22.12.0\n');
  });
});

describe('routekit serve on a port that is taken', { timeout: 120_000 }, () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('exits 1 with one line saying the port is in use, and never says it is listening', async () => {
    const outcome = await routekit(['serve', '--port', String(port)], { OPENAI_API_KEY: 'sk-test-not-used' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(`routekit serve: 127.0.0.1:${port} is already in use (another gateway or app is listening there); stop it or pick another port with --port or PORT\n`);
  });
});
