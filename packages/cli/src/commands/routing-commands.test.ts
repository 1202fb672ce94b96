import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { statisticNames, taskStatisticNames } from '@routekit/core';
import type { Command } from '../commands.js';
import { runCommand } from '../run-command.js';
import { calibrate } from './calibrate.js';
import { evaluate } from './evaluate.js';
import { train } from './train.js';

// Synthetic outcomes: the small model fails the integrals, the big one gets everything right.
const topics = ['capital of', 'colour of', 'author of', 'year of', 'integral of', 'integral from'];
const rows = Array.from({ length: 180 }, (_, index) => {
  const topic = topics[index % topics.length]!;
  return { id: `q${index}`, prompt: `What is the ${topic} item number ${(index * 7919) % 1000}?`, scores: { big: 1, small: topic.startsWith('integral') ? 0 : 1 } };
});
let directory: string;
let data: string;

async function run(command: Command, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await runCommand(command === train ? 'train' : command === calibrate ? 'calibrate' : 'evaluate', command, args);
  vi.restoreAllMocks();
  return { code, out, err };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'routekit-routing-'));
  data = join(directory, 'toy.jsonl');
  await writeFile(data, rows.map((row) => JSON.stringify(row)).join('\n'));
});
afterEach(() => vi.restoreAllMocks());

describe('routekit train', () => {
  it('writes a router file, reports out-of-fold APGR and shows progress on stderr', async () => {
    const out = join(directory, 'toy.router.json');
    const result = await run(train, [data, '--name', 'toy', '--bits', '12', '--out', out, '--map', 'big=openai/gpt-4.1,small=openai/gpt-4.1-mini']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/out-of-fold: APGR 0\.8\d\d/);
    expect(result.err).toMatch(/training \[#+\.*\] \d+\/\d+/);
    const file = JSON.parse(await readFile(out, 'utf8'));
    expect(file).toMatchObject({ format: 'routekit-router', name: 'toy', strong: 'big', weak: 'small', catalogModels: { big: 'openai/gpt-4.1' } });
    expect(file.featurizer).toMatchObject({ splitByPromptType: true, taskStatistics: true });
    expect(file.featurizer.standardise.mean).toHaveLength(statisticNames.length + taskStatisticNames.length);
  });

  it('--plain trains on the plain features, as routers before the prompt-type split', async () => {
    const out = join(directory, 'plain.router.json');
    const result = await run(train, [data, '--name', 'plain', '--bits', '12', '--out', out, '--plain']);
    expect(result.code).toBe(0);
    const file = JSON.parse(await readFile(out, 'utf8'));
    expect(file.featurizer.splitByPromptType).toBeUndefined();
    expect(file.featurizer.taskStatistics).toBeUndefined();
    expect(file.featurizer.standardise.mean).toHaveLength(statisticNames.length);
  });

  it('names the line and field of a bad row', async () => {
    const bad = join(directory, 'bad.jsonl');
    await writeFile(bad, '{"prompt":"x","scores":{"a":3}}\n');
    const result = await run(train, [bad]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/line 1, field scores\.a/);
  });
});

describe('routekit calibrate', () => {
  it('prints the threshold for a strong share from the router file, as a model string', async () => {
    const result = await run(calibrate, ['--strong-share', '0.3', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out);
    expect(parsed.model).toBe(`router-lr-${parsed.threshold}`);
    expect(parsed.threshold).toBeGreaterThan(0);
  });

  it('measures the share on the user\'s own prompts', async () => {
    const result = await run(calibrate, ['--strong-share', '0.5', '--prompts', data, '--router', join(directory, 'toy.router.json')]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/on 180 prompts of .* \(50\.0% strong\)/);
    expect(result.out).toMatch(/model: router-toy-/);
  });

  it('rejects a share outside 0..1', async () => {
    expect((await run(calibrate, ['--strong-share', '1.5'])).code).toBe(2);
  });

  it('names the line and the field when a JSONL prompts file has a row without "prompt", instead of calibrating on the raw line', async () => {
    const prompts = join(directory, 'no-prompt-field.jsonl');
    await writeFile(prompts, '{"prompt":"What is 2 + 2?"}\n{"question":"What is the capital of France?"}\n');
    const result = await run(calibrate, ['--strong-share', '0.5', '--prompts', prompts]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toBe(`routekit calibrate: ${prompts} line 2: field "prompt" is missing\n`);
  });

  it('fails on an empty prompts file instead of printing a threshold measured on nothing', async () => {
    const prompts = join(directory, 'empty-prompts.jsonl');
    await writeFile(prompts, '\n\n');
    const result = await run(calibrate, ['--strong-share', '0.5', '--prompts', prompts]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^routekit calibrate: .*empty-prompts\.jsonl has no prompts/);
  });

  it('still reads a plain text file as one prompt per line', async () => {
    const prompts = join(directory, 'plain-prompts.txt');
    await writeFile(prompts, 'What is 2 + 2?\nIntegrate x^2 from 0 to 1.\n');
    const result = await run(calibrate, ['--strong-share', '0.5', '--prompts', prompts, '--json']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(JSON.parse(result.out).model).toMatch(/^router-lr-/);
  });
});

describe('routekit train and evaluate on a file with no rows', () => {
  it.each([['train', train], ['evaluate', evaluate]] as const)('%s exits 1 with a one-line message and prints no metrics', async (name, command) => {
    const empty = join(directory, `empty-${name}.jsonl`);
    await writeFile(empty, '\n');
    const result = await run(command, [empty, '--out-dir', directory].slice(0, name === 'evaluate' ? 3 : 1));
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(new RegExp(`^routekit ${name}: .*empty-${name}\\.jsonl has no rows: expected JSONL rows[^\\n]*\\n$`));
  });
});

describe('routekit train on outcomes that never tell the models apart', () => {
  it.each([['all zero', 0], ['all one', 1]] as const)('refuses %s with one line and exit code 1, and writes no router', async (name, score) => {
    const flat = join(directory, `flat-${score}.jsonl`);
    await writeFile(flat, rows.map((row) => JSON.stringify({ ...row, scores: { big: score, small: score } })).join('\n'));
    const out = join(directory, `flat-${score}.router.json`);
    const result = await run(train, [flat, '--bits', '12', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^routekit train: .*flat-\d\.jsonl: every row scores every model the same[^\n]*\n$/);
    await expect(stat(out)).rejects.toThrow();
  });
});

describe('routekit evaluate', () => {
  it('prints apgr, cpt50, cpt80 and per-row predictions with --json, and writes SVG and PNG curves', async () => {
    const result = await run(evaluate, [data, '--router', join(directory, 'toy.router.json'), '--out-dir', directory, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out);
    expect(Object.keys(parsed)).toEqual(expect.arrayContaining(['apgr', 'cpt50', 'cpt80', 'cost_saved_at_95', 'predictions', 'seen_in_training']));
    expect(parsed.predictions).toHaveLength(180);
    expect(parsed.predictions[0]).toEqual({ id: 'q0', strong_win_probability: expect.any(Number) });
    // Every prompt was in this router's training data, and the output says so.
    expect(parsed.seen_in_training).toBe(180);
    expect((await stat(join(directory, 'toy.pgr.png'))).size).toBeGreaterThan(1000);
    const svg = await readFile(join(directory, 'toy.pgr.svg'), 'utf8');
    expect(svg).toContain('<polyline');
    // The figures are on the plot itself, as the command printed them.
    expect(svg).toContain(`>APGR ${parsed.apgr.toFixed(3)} (random 0.5)</text>`);
  });

  it('evaluates a multi-model file with the shipped RouterBench scorer: chosen model per cost weight and the curve AUC', async () => {
    const models = ['gpt-4-1106-preview', 'mistralai/mixtral-8x7b-chat', 'mistralai/mistral-7b-chat'];
    const multi = join(directory, 'multi.jsonl');
    const lines = Array.from({ length: 12 }, (_, index) => JSON.stringify({
      id: `m${index}`,
      prompt: `Question ${index}: which gas do plants absorb?`,
      scores: { [models[0]!]: 1, [models[1]!]: index % 2, [models[2]!]: index % 3 === 0 ? 1 : 0 },
      cost_usd: { [models[0]!]: 0.005, [models[1]!]: 0.0003, [models[2]!]: 0.0001 },
    }));
    await writeFile(multi, lines.join('\n'));
    const result = await run(evaluate, [multi, '--out-dir', directory, '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out);
    expect(parsed.router).toBe('routerbench');
    expect(parsed.auc.oracle).toBeGreaterThanOrEqual(parsed.auc.random);
    expect(parsed.predictions[0].chosen).toHaveLength(parsed.cost_weights.length);
    expect(models).toContain(parsed.predictions[0].chosen[0]);
    expect((await stat(join(directory, 'multi.cost-quality.png'))).size).toBeGreaterThan(1000);
    const svg = await readFile(join(directory, 'multi.cost-quality.svg'), 'utf8');
    expect(svg).toContain(`>AUC router ${parsed.auc.router.toFixed(3)}</text>`);
    expect(svg).toContain('(log)');
  });

  it('prints the metrics for people, with a warning when the router saw the prompts', async () => {
    const result = await run(evaluate, [data, '--router', join(directory, 'toy.router.json'), '--out-dir', join(directory, 'new', 'charts')]);
    expect(result.out).toMatch(/APGR\s+0\.\d{3}/);
    expect(result.out).toMatch(/warning: 180 of 180 prompts were in this router's training data/);
    // --out-dir is created when it does not exist yet.
    expect((await stat(join(directory, 'new', 'charts', 'toy.pgr.svg'))).size).toBeGreaterThan(100);
  });
});

describe('routekit train from reference answers', () => {
  it('asks each model through an OpenAI-compatible endpoint, grades exactly, saves the outcomes and trains', async () => {
    const { startMockUpstream } = await import('@routekit/core/testing');
    // The big model knows every sum; the small one gets the sums above 100 wrong.
    const upstream = await startMockUpstream({
      reply: (request) => {
        const content = String(request.messages[0]!.content);
        const [a, b] = content.match(/\d+/g)!.map(Number);
        return `The answer is ${request.model === 'big' || a! + b! <= 100 ? a! + b! : 0}.`;
      },
    });
    try {
      const references = join(directory, 'references.jsonl');
      await writeFile(references, Array.from({ length: 60 }, (_, index) => JSON.stringify({ id: `s${index}`, prompt: `What is ${index * 3} + ${index % 2 === 0 ? 7 : 70}?`, ref_answer: index * 3 + (index % 2 === 0 ? 7 : 70) })).join('\n'));
      const outcomes = join(directory, 'graded.jsonl');
      const result = await run(train, [references, '--models', 'big,small', '--base-url', upstream.url, '--save-outcomes', outcomes, '--bits', '12', '--out', join(directory, 'graded.router.json')]);
      expect(result.code).toBe(0);
      expect(result.err).toMatch(/answering \[/);
      expect(upstream.requests.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(120);
      const graded = (await readFile(outcomes, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
      expect(graded[0]).toEqual({ id: 's0', prompt: 'What is 0 + 7?', scores: { big: 1, small: 1 } });
      expect(graded.find((row) => row.id === 's59').scores).toEqual({ big: 1, small: 0 });
    } finally {
      await upstream.close();
    }
  });

  it('asks for --models and --base-url when the rows have reference answers', async () => {
    const references = join(directory, 'references-only.jsonl');
    await writeFile(references, '{"prompt":"1 + 1?","ref_answer":2}\n');
    const result = await run(train, [references]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/need --models A,B/);
  });
});

describe('routekit train against an unreachable endpoint', () => {
  it('fails with a message naming the endpoint, not a stack trace', async () => {
    const references = join(directory, 'references-unreachable.jsonl');
    await writeFile(references, '{"prompt":"1 + 1?","ref_answer":2}\n');
    const result = await run(train, [references, '--models', 'a,b', '--base-url', 'http://127.0.0.1:9/v1']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/routekit train: Could not reach http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions/);
  });
});

describe("routekit calibrate, RouteLLM's form", () => {
  it('answers --routers mf --strong-model-pct 0.5 as RouteLLM does (0.11593), and says what routekit runs', async () => {
    const result = await run(calibrate, ['--routers', 'mf', '--strong-model-pct', '0.5', '--config', 'config.example.yaml']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^For 50\.0% strong model calls for mf, threshold = 0\.11593\nmodel: router-mf-0\.11593 \(routekit runs it as router-default-0\.\d+\)\n$/);
    const json = JSON.parse((await run(calibrate, ['--routers', 'mf', '--strong-model-pct', '0.3', '--json'])).out);
    expect(json.threshold).toBeGreaterThan(0.11593);
    expect(json.model).toBe(`router-mf-${json.threshold}`);
  });

  it('names the flag for an unknown router or a share outside 0..1', async () => {
    const unknown = await run(calibrate, ['--routers', 'xgboost', '--strong-model-pct', '0.5']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--routers must be one of RouteLLM's routers: mf, bert, causal_llm, sw_ranking/);
    expect((await run(calibrate, ['--routers', 'mf', '--strong-model-pct', '50'])).code).toBe(2);
  });
});
