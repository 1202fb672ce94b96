import { readFile } from 'node:fs/promises';
import { InvalidRequestError, isRouteLLMName, LinearScorer, routeLLMRouterNames, routeLLMThreshold, shippedStrongWeakScorer, strongShareAt, thresholdAtShare, thresholdForStrongShare } from '@routekit/core';
import type { Command } from '../commands.js';
import { numberFlag, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { loadRouterArgument, shippedRouterNames } from './router-argument.js';

const HELP = `usage: routekit calibrate --strong-share P [--router R] [--prompts FILE] [--json]
       routekit calibrate --routers mf --strong-model-pct P      (RouteLLM's calibrate_threshold)

Prints the threshold that sends a share P (0..1, e.g. 0.3) of prompts to the strong model, and the
model string to use (router-<name>-<threshold>). With --prompts, the share is measured on your own
prompts: a JSONL file whose every row has a string "prompt" field, or a text file of one prompt per
line (a file is read as JSONL when its first line starts with {). Without, on the router's training
prompts, out-of-fold. R is ${shippedRouterNames.join(', ')} or a router file; default lr.

RouteLLM's form (--routers ${routeLLMRouterNames.join('|')}, --strong-model-pct) prints RouteLLM's threshold
for that share, as its calibrate_threshold does, and the default router routekit runs for it
(docs/routing.md, "RouteLLM's model strings"). Its --config is accepted and not needed.
`;

export const calibrate: Command = {
  summary: 'find the threshold that sends a target share to the strong model',
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: { 'strong-share': { type: 'string' }, router: { type: 'string' }, prompts: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' }, routers: { type: 'string' }, 'strong-model-pct': { type: 'string' }, config: { type: 'string' } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.routers !== undefined || values['strong-model-pct'] !== undefined) return calibrateRouteLLM(values.routers, values['strong-model-pct'], values.json === true);
    if (values['strong-share'] === undefined) throw new UsageError('--strong-share P is required (the share of prompts to send to the strong model, 0..1)', { flag: '--strong-share' });
    const share = numberFlag('--strong-share', values['strong-share'], { minimum: 0, maximum: 1, expected: 'a number in 0..1' });
    const scorer = await loadRouterArgument(values.router ?? 'lr');
    let threshold: number;
    let measuredOn: string;
    if (values.prompts !== undefined) {
      const prompts = promptsOf(await readFile(values.prompts, 'utf8'), values.prompts);
      const probabilities = prompts.map((prompt) => scorer.strongWinProbability(prompt));
      threshold = thresholdForStrongShare(probabilities, share);
      measuredOn = `${prompts.length} prompts of ${values.prompts} (${(strongShareAt(probabilities, threshold) * 100).toFixed(1)}% strong)`;
    } else if (scorer instanceof LinearScorer && Object.keys(scorer.file.thresholds).length > 0) {
      threshold = thresholdAtShare(scorer.file.thresholds, share);
      measuredOn = "the router's training prompts, out-of-fold";
    } else {
      throw new InvalidRequestError(`the router "${scorer.name}" has no calibration data; pass --prompts FILE`, { code: 'no_calibration', param: '--prompts' });
    }
    const rounded = Number(threshold.toFixed(5));
    const model = `router-${scorer.name}-${rounded}`;
    if (values.json) process.stdout.write(`${JSON.stringify({ threshold: rounded, strong_share: share, model })}\n`);
    else process.stdout.write(`threshold ${rounded} sends ${(share * 100).toFixed(0)}% to the strong model on ${measuredOn}\nmodel: ${model}\n`);
    return 0;
  },
};

/** RouteLLM's `calibrate_threshold --routers mf --strong-model-pct 0.5`: its threshold, and what routekit runs. */
function calibrateRouteLLM(router: string | undefined, percent: string | undefined, json: boolean): number {
  if (router === undefined || !isRouteLLMName(router)) throw new UsageError(`--routers must be one of RouteLLM's routers: ${routeLLMRouterNames.join(', ')}`, { flag: '--routers' });
  if (percent === undefined) throw new UsageError('--strong-model-pct P is required (the share of calls to the strong model, 0..1)', { flag: '--strong-model-pct' });
  const share = numberFlag('--strong-model-pct', percent, { minimum: 0, maximum: 1, expected: 'a number in 0..1' });
  const threshold = Number(routeLLMThreshold(router, share).toFixed(5));
  const ours = Number(thresholdAtShare(shippedStrongWeakScorer().file.thresholds, share).toFixed(4));
  const model = `router-${router}-${threshold}`;
  if (json) process.stdout.write(`${JSON.stringify({ router, strong_share: share, threshold, model, runs_as: `router-default-${ours}` })}\n`);
  else process.stdout.write(`For ${(share * 100).toFixed(1)}% strong model calls for ${router}, threshold = ${threshold}\nmodel: ${model} (routekit runs it as router-default-${ours})\n`);
  return 0;
}

/**
 * The prompts of a `--prompts` file: JSONL rows with a string `prompt` field when its first line starts with
 * `{` (then every row must have one: a row without it is an error naming the line and the
 * field, never calibrated on as raw JSON text), else one prompt per line. An empty file is an error.
 */
export function promptsOf(text: string, source = 'the prompts file'): string[] {
  const lines = text.split('\n').map((line, index) => ({ line, number: index + 1 })).filter(({ line }) => line.trim() !== '');
  if (lines.length === 0) throw new InvalidRequestError(`${source} has no prompts: expected JSONL rows {"prompt": "..."} or one prompt per line`, { code: 'no_rows', param: 'prompt' });
  if (!lines[0]!.line.trimStart().startsWith('{')) return lines.map(({ line }) => line);
  return lines.map(({ line, number }) => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InvalidRequestError(`${source} line ${number}: not valid JSON (the file is read as JSONL because its first line starts with {)`, { code: 'invalid_prompt_row', param: 'prompt' });
    }
    const prompt = typeof row === 'object' && row !== null && Object.hasOwn(row, 'prompt') ? (row as { prompt: unknown }).prompt : undefined;
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new InvalidRequestError(`${source} line ${number}: field "prompt" ${prompt === undefined ? 'is missing' : 'must be a non-empty string'}`, { code: 'invalid_prompt_row', param: 'prompt' });
    }
    return prompt;
  });
}
