import { readFile } from 'node:fs/promises';
import { evaluateCachePairs, InvalidRequestError, parseLabelledPairs, type CachePairEvaluation } from '@routekit/core';
import type { Command } from '../commands.js';
import { numberFlag, onePositional, parseCommandLine } from '../parse-command-line.js';

const HELP = `usage: routekit cache-eval FILE.jsonl [--json] [--threshold X] [--no-guard]

For each line {"a", "b", "duplicate"} (or "hit"), stores a in a fresh cache scope and looks b up with
the default semantic cache. Prints precision, recall and the false hits (pairs that hit but are not
labelled duplicate). --json prints one JSON object {precision, recall, hits, false_hits, threshold}.
Precision is n/a (null) when nothing hit, recall when no pair is labelled duplicate.
`;

const ratio = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));

/** Precision and recall as measured: null where there was nothing to measure them on. */
function measured(result: CachePairEvaluation): { precision: number | null; recall: number | null } {
  return { precision: result.hits === 0 ? null : result.precision, recall: result.duplicates === 0 ? null : result.recall };
}

/** Formats an evaluation for people: the numbers, then each false hit on its own line. */
export function formatEvaluation(result: CachePairEvaluation): string {
  const { precision, recall } = measured(result);
  const lines = [
    `pairs ${result.pairs}, duplicates ${result.duplicates}, threshold ${result.threshold}, guard ${result.guard ? 'on' : 'off'}`,
    `hits ${result.hits}, true hits ${result.true_hits}, false hits ${result.false_hits.length}`,
    `precision ${ratio(precision)}${precision === null ? ' (nothing hit)' : ''}`,
    `recall    ${ratio(recall)}${recall === null ? ' (no pair is labelled duplicate)' : ''}`,
  ];
  if (result.false_hits.length > 0) lines.push('false hits:', ...result.false_hits.map((hit) => `  ${hit.similarity.toFixed(4)}  ${hit.id ?? ''} ${JSON.stringify(hit.a)} -> ${JSON.stringify(hit.b)}`));
  return `${lines.join('\n')}\n`;
}

export const cacheEval: Command = {
  summary: 'precision and recall of the semantic cache on labelled pairs',
  async run(argv) {
    const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, threshold: { type: 'string' }, 'no-guard': { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const file = onePositional(positionals, 'FILE.jsonl argument (labelled pairs)');
    const threshold = values.threshold === undefined ? 0.95 : numberFlag('--threshold', values.threshold, { above: 0, maximum: 1, expected: 'a number in (0, 1]' });
    const pairs = parseLabelledPairs(await readFile(file, 'utf8'));
    // An empty file would otherwise print precision 1 and recall 0: numbers measured on nothing.
    if (pairs.length === 0) throw new InvalidRequestError(`${file} has no pairs: expected JSONL lines {"a", "b", "duplicate"}`, { code: 'no_rows' });
    const result = evaluateCachePairs(pairs, { similarityThreshold: threshold, guard: !values['no-guard'] });
    if (values.json) {
      const { hits, false_hits } = result;
      process.stdout.write(`${JSON.stringify({ ...measured(result), hits, false_hits, threshold, true_hits: result.true_hits, pairs: result.pairs, duplicates: result.duplicates, guard: result.guard })}\n`);
    } else process.stdout.write(formatEvaluation(result));
    return 0;
  },
};
