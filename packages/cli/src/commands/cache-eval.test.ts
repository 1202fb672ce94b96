import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../run-command.js';
import { cacheEval } from './cache-eval.js';

const rows = [
  { a: 'How do I learn Python quickly?', b: 'how do i learn python quickly', duplicate: true },
  { a: 'What is the capital of France?', b: 'What is the capital of Germany?', duplicate: false },
  { a: 'Why is the sky blue at noon and not green?', b: 'Why is the sky blue at noon and not green', hit: false },
  { a: 'How do birds fly?', b: 'Why do fish swim in schools?', duplicate: true },
];

async function run(args: string[], lines = rows.map((row) => JSON.stringify(row))): Promise<{ code: number; out: string; err: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'cache-eval-'));
  const file = join(directory, 'pairs.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await runCommand('cache-eval', cacheEval, [file, ...args]);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('routekit cache-eval', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints precision, recall and the false hits as one JSON object with --json', async () => {
    const { code, out } = await run(['--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ hits: 2, precision: 0.5, recall: 0.5, threshold: 0.95 });
    expect(result.false_hits).toEqual([expect.objectContaining({ a: rows[2]!.a, b: rows[2]!.b, duplicate: false })]);
  });

  it('prints a readable summary and takes --threshold', async () => {
    const { code, out } = await run(['--threshold', '0.99']);
    expect(code).toBe(0);
    expect(out).toContain('threshold 0.99');
    expect(out).toMatch(/precision 0\.5000/);
    expect(out).toContain('false hits:');
  });

  it('fails on an empty file instead of printing precision and recall measured on nothing', async () => {
    const { code, out, err } = await run(['--json'], ['', '  ']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^routekit cache-eval: .*pairs\.jsonl has no pairs: expected JSONL lines \{"a", "b", "duplicate"\}\n$/);
  });

  it('says n/a (null in JSON) for a recall with no duplicate pair and a precision with no hit', async () => {
    const { code, out } = await run(['--json'], [JSON.stringify({ a: 'What is the capital of France?', b: 'Which river runs through Vienna?', duplicate: false })]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ pairs: 1, hits: 0, precision: null, recall: null });
    const text = await run([], [JSON.stringify({ a: 'What is the capital of France?', b: 'Which river runs through Vienna?', duplicate: false })]);
    expect(text.out).toContain('recall    n/a (no pair is labelled duplicate)');
  });

  it('names the line and field of a bad row', async () => {
    const { code, err } = await run([], ['{"a":"x","b":"y","duplicate":true}', '{"a":"x","b":"y"}']);
    expect(code).toBe(1);
    expect(err).toContain('line 2: duplicate');
  });
});
