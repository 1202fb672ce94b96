import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqliteDatabase } from '@routekit/operations';
import { seededStrong as strong, seededWeak as weak, seedScoredOutcomes } from '../../../operations/src/learning/scored-outcomes-suite.js';
import type { Command } from '../commands.js';
import { runCommand } from '../run-command.js';
import { evaluate } from './evaluate.js';
import { routers } from './routers.js';
import { train } from './train.js';

let directory: string;
let database: string;
let scored: string;

async function run(command: Command, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await runCommand(command === train ? 'train' : command === routers ? 'routers' : 'evaluate', command, args);
  vi.restoreAllMocks();
  return { code, out, err };
}

// A deployment's outcomes with a known signal, as the gateway stores them (integrals need the strong model).
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'routekit-routers-'));
  database = join(directory, 'routekit.db');
  const opened = openSqliteDatabase({ path: database });
  await seedScoredOutcomes(opened);
  await opened.close();
  scored = join(directory, 'scored.jsonl');
  const rows = Array.from({ length: 60 }, (_, index) => ({ prompt: index % 3 === 0 ? `Compute the integral of x^${index} dx` : `Capital of place ${index}?`, scores: { [strong]: 1, [weak]: index % 3 === 0 ? 0 : 1 } }));
  await writeFile(scored, rows.map((row) => JSON.stringify(row)).join('\n'));
});
afterEach(() => vi.restoreAllMocks());

describe('routekit train --from-outcomes and routekit routers', () => {
  it('promotes a challenger that beats the shipped router, refuses one that does not beat it, lists, rolls back and promotes', async () => {
    const first = await run(train, ['--from-outcomes', '--database', database, '--resamples', '300']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/champion shipped: APGR/);
    expect(first.out).toMatch(/promoted learned-v1/);
    const listed = await run(routers, ['list', '--database', database]);
    expect(listed.out).toMatch(/in charge: learned-v1/);
    // The same outcomes again: the new challenger is no better than the learned champion.
    const second = await run(train, ['--from-outcomes', '--database', database, '--resamples', '300']);
    expect(second.out).toMatch(/champion learned-v1/);
    expect(second.out).toMatch(/Kept the champion/);
    expect(second.out).toMatch(/stored as learned-v2 \(not in charge/);
    const json = JSON.parse((await run(routers, ['list', '--database', database, '--json'])).out) as { active: string; versions: Array<{ version: number; active: boolean }> };
    expect(json.active).toBe('learned-v1');
    expect(json.versions.map((version) => [version.version, version.active])).toEqual([[2, false], [1, true]]);
    expect((await run(routers, ['rollback', '--database', database])).out).toMatch(/shipped is in charge again/);
    expect((await run(routers, ['rollback', '--database', database])).code).toBe(2);
    expect((await run(routers, ['promote', '2', '--database', database])).out).toMatch(/learned-v2 is in charge/);
    expect((await run(routers, ['promote', '9', '--database', database])).code).toBe(2);
    expect((await run(routers, ['frobnicate', '--database', database])).code).toBe(2);
    const dry = await run(train, ['--from-outcomes', '--database', database, '--dry-run', '--resamples', '300']);
    expect(dry.out).not.toMatch(/stored as|promoted/);
    expect((await run(train, ['--from-outcomes', 'file.jsonl', '--database', database])).code).toBe(2);
    expect((await run(train, [scored, '--database', database])).code).toBe(2);
  });

  it('evaluates the routers the gateway runs: default, auto, RouteLLM names and learned ones', async () => {
    for (const router of ['default', 'auto', 'router-mf-0.11593', 'router-default-0.5']) {
      const result = await run(evaluate, [scored, '--router', router, '--out-dir', directory, '--json']);
      expect(result.code, `${router}: ${result.err}`).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ router: 'default', rows: 60 });
    }
    const learned = await run(evaluate, [scored, '--router', 'learned-v1', '--database', database, '--out-dir', directory, '--json']);
    expect(learned.code, learned.err).toBe(0);
    const report = JSON.parse(learned.out) as { router: string; apgr: number };
    expect(report.router).toBe('learned');
    // The learned router saw integrals need the strong model.
    expect(report.apgr).toBeGreaterThan(0.8);
    // With --database, default is whichever router is in charge there (learned-v2 after the promote above).
    expect(JSON.parse((await run(evaluate, [scored, '--router', 'default', '--database', database, '--out-dir', directory, '--json'])).out).router).toBe('learned');
    expect((await run(evaluate, [scored, '--router', 'learned-v7', '--database', database])).code).toBe(2);
  });
});
