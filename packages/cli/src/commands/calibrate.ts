import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { calibratedShares, LinearScorer, RoutekitError, strongShareAt, thresholdForStrongShare } from '@routekit/core';
import type { Command } from '../commands.js';
import { loadRouterArgument, shippedRouterNames } from './router-argument.js';

const HELP = `usage: routekit calibrate --strong-share P [--router R] [--prompts FILE] [--json]

Prints the threshold that sends a share P (0..1, e.g. 0.3) of prompts to the strong model, and the
model string to use (router-<name>-<threshold>). With --prompts, the share is measured on your own
prompts (JSONL rows with a "prompt" field, or one prompt per line); without, on the router's training
prompts, out-of-fold. R is ${shippedRouterNames.join(', ')} or a router file; default lr.
`;

export const calibrate: Command = {
  summary: 'find the threshold that sends a target share to the strong model',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { 'strong-share': { type: 'string' }, router: { type: 'string' }, prompts: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
    if (values.help || values['strong-share'] === undefined) {
      (values.help ? process.stdout : process.stderr).write(HELP);
      return values.help ? 0 : 2;
    }
    const share = Number(values['strong-share']);
    if (!(share >= 0 && share <= 1)) {
      process.stderr.write(`--strong-share: expected a number in 0..1, got ${values['strong-share']}\n`);
      return 2;
    }
    try {
      const scorer = await loadRouterArgument(values.router ?? 'lr');
      let threshold: number;
      let measuredOn: string;
      if (values.prompts !== undefined) {
        const prompts = promptsOf(await readFile(values.prompts, 'utf8'));
        const probabilities = prompts.map((prompt) => scorer.strongWinProbability(prompt));
        threshold = thresholdForStrongShare(probabilities, share);
        measuredOn = `${prompts.length} prompts of ${values.prompts} (${(strongShareAt(probabilities, threshold) * 100).toFixed(1)}% strong)`;
      } else if (scorer instanceof LinearScorer && Object.keys(scorer.file.thresholds).length > 0) {
        threshold = interpolate(scorer.file.thresholds, share);
        measuredOn = 'the router\'s training prompts, out-of-fold';
      } else {
        process.stderr.write(`routekit calibrate: the router "${scorer.name}" has no calibration data; pass --prompts FILE.\n`);
        return 1;
      }
      const rounded = Number(threshold.toFixed(5));
      const model = `router-${scorer.name}-${rounded}`;
      if (values.json) process.stdout.write(`${JSON.stringify({ threshold: rounded, strong_share: share, model })}\n`);
      else process.stdout.write(`threshold ${rounded} sends ${(share * 100).toFixed(0)}% to the strong model on ${measuredOn}\nmodel: ${model}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof RoutekitError) && (error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
      process.stderr.write(`routekit calibrate: ${(error as Error).message}\n`);
      return 1;
    }
  },
};

/** JSONL rows with a "prompt" field, or plain lines. */
export function promptsOf(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    if (!line.trimStart().startsWith('{')) return line;
    const row = JSON.parse(line) as { prompt?: unknown };
    return typeof row.prompt === 'string' ? row.prompt : line;
  });
}

/** Linear interpolation between the shares a router file was calibrated at. */
function interpolate(thresholds: Record<string, number>, share: number): number {
  const points = calibratedShares.filter((value) => thresholds[String(value)] !== undefined).map((value) => [value, thresholds[String(value)]!] as const);
  if (share <= points[0]![0]) return points[0]![1];
  for (let index = 1; index < points.length; index++) {
    const [[x0, y0], [x1, y1]] = [points[index - 1]!, points[index]!];
    if (share <= x1) return y0 + ((y1 - y0) * (share - x0)) / (x1 - x0);
  }
  return points[points.length - 1]![1];
}
