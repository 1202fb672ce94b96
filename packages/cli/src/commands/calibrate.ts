import { readFile } from 'node:fs/promises';
import { calibratedShares, InvalidRequestError, LinearScorer, strongShareAt, thresholdForStrongShare } from '@routekit/core';
import type { Command } from '../commands.js';
import { numberFlag, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { loadRouterArgument, shippedRouterNames } from './router-argument.js';

const HELP = `usage: routekit calibrate --strong-share P [--router R] [--prompts FILE] [--json]

Prints the threshold that sends a share P (0..1, e.g. 0.3) of prompts to the strong model, and the
model string to use (router-<name>-<threshold>). With --prompts, the share is measured on your own
prompts: a JSONL file whose every row has a string "prompt" field, or a text file of one prompt per
line (a file is read as JSONL when its first line starts with {). Without, on the router's training
prompts, out-of-fold. R is ${shippedRouterNames.join(', ')} or a router file; default lr.
`;

export const calibrate: Command = {
  summary: 'find the threshold that sends a target share to the strong model',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { 'strong-share': { type: 'string' }, router: { type: 'string' }, prompts: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
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
      threshold = interpolate(scorer.file.thresholds, share);
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

/** Linear interpolation between the shares a router file was calibrated at. */
function interpolate(thresholds: Record<string, number>, share: number): number {
  const points = calibratedShares.filter((value) => Object.hasOwn(thresholds, String(value))).map((value) => [value, thresholds[String(value)]!] as const);
  if (share <= points[0]![0]) return points[0]![1];
  for (let index = 1; index < points.length; index++) {
    const [[x0, y0], [x1, y1]] = [points[index - 1]!, points[index]!];
    if (share <= x1) return y0 + ((y1 - y0) * (share - x0)) / (x1 - x0);
  }
  return points[points.length - 1]![1];
}
