import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateCachePairs, parseLabelledPairs, RoutekitError, type CachePairEvaluation } from '@routekit/core';
import type { Command } from '../commands.js';

const HELP = `usage: routekit cache-eval FILE.jsonl [--json] [--threshold X] [--no-guard]

For each line {"a", "b", "duplicate"} (or "hit"), stores a in a fresh cache scope and looks b up with
the default semantic cache. Prints precision, recall and the false hits (pairs that hit but are not
labelled duplicate). --json prints one JSON object {precision, recall, hits, false_hits, threshold}.
`;

/** Formats an evaluation for people: the numbers, then each false hit on its own line. */
export function formatEvaluation(result: CachePairEvaluation): string {
  const lines = [
    `pairs ${result.pairs}, duplicates ${result.duplicates}, threshold ${result.threshold}, guard ${result.guard ? 'on' : 'off'}`,
    `hits ${result.hits}, true hits ${result.true_hits}, false hits ${result.false_hits.length}`,
    `precision ${result.precision.toFixed(4)}`,
    `recall    ${result.recall.toFixed(4)}`,
  ];
  if (result.false_hits.length > 0) lines.push('false hits:', ...result.false_hits.map((hit) => `  ${hit.similarity.toFixed(4)}  ${hit.id ?? ''} ${JSON.stringify(hit.a)} -> ${JSON.stringify(hit.b)}`));
  return `${lines.join('\n')}\n`;
}

export const cacheEval: Command = {
  summary: 'precision and recall of the semantic cache on labelled pairs',
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, threshold: { type: 'string' }, 'no-guard': { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help || positionals.length !== 1) {
      (values.help ? process.stdout : process.stderr).write(HELP);
      return values.help ? 0 : 2;
    }
    const threshold = values.threshold === undefined ? 0.95 : Number(values.threshold);
    if (!(threshold > 0 && threshold <= 1)) {
      process.stderr.write(`--threshold: expected a number in (0, 1], got ${values.threshold}\n`);
      return 2;
    }
    try {
      const pairs = parseLabelledPairs(await readFile(positionals[0]!, 'utf8'));
      const result = evaluateCachePairs(pairs, { similarityThreshold: threshold, guard: !values['no-guard'] });
      if (values.json) {
        const { precision, recall, hits, false_hits } = result;
        process.stdout.write(`${JSON.stringify({ precision, recall, hits, false_hits, threshold, true_hits: result.true_hits, pairs: result.pairs, guard: result.guard })}\n`);
      } else process.stdout.write(formatEvaluation(result));
      return 0;
    } catch (error) {
      if (!(error instanceof RoutekitError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      process.stderr.write(`routekit cache-eval: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
