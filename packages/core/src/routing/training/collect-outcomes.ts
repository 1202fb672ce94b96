import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';
import type { TrainingRow } from './training-row.js';

/** A JSONL row with a reference answer instead of outcomes: the models answer, a grader scores. */
export const referenceRowSchema = z.object({
  id: z.string().optional(),
  task: z.string().optional(),
  prompt: z.string().min(1),
  ref_answer: z.union([z.string(), z.number()]),
});

export type ReferenceRow = z.infer<typeof referenceRowSchema>;

/** Scores an answer against the reference, in 0..1. */
export type Grader = (answer: string, reference: string, prompt: string) => number | Promise<number>;

export interface CollectOutcomesOptions {
  /** The models to answer each prompt (names the `answer` function understands). */
  models: string[];
  /** Gets one model's answer to a prompt, e.g. from an OpenAI-compatible endpoint. */
  answer: (model: string, prompt: string) => Promise<string>;
  /** Default `exactMatchGrade`. */
  grader?: Grader;
  /** Answers in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each answered prompt and model. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Turns reference rows into training rows by asking every model and grading its answer.
 *
 * @example
 * const rows = await collectOutcomes(referenceRows, { models: ['big', 'small'], answer: (model, prompt) => ask(model, prompt) });
 */
export async function collectOutcomes(rows: readonly ReferenceRow[], options: CollectOutcomesOptions): Promise<TrainingRow[]> {
  const grader = options.grader ?? exactMatchGrade;
  const jobs = rows.flatMap((row, rowIndex) => options.models.map((model) => ({ row, rowIndex, model })));
  const scores = rows.map(() => ({}) as Record<string, number>);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { row, rowIndex, model } = jobs[next++]!;
      const answer = await options.answer(model, row.prompt);
      scores[rowIndex]![model] = Math.min(1, Math.max(0, await grader(answer, String(row.ref_answer), row.prompt)));
      options.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return rows.map((row, index) => ({ ...(row.id !== undefined && { id: row.id }), ...(row.task !== undefined && { task: row.task }), prompt: row.prompt, scores: scores[index]! }));
}

const numberPattern = /-?\d[\d,]*(?:\.\d+)?/g;
const choicePattern = /^\(?([A-Ha-h])[).:]?$/;

/**
 * Exact match, made robust to how models phrase answers: a numeric reference matches the last number
 * of the answer (GSM8K style, thousands separators ignored); a letter reference (A-H) matches the first
 * standalone choice letter; anything else matches after lower-casing and dropping punctuation.
 */
export function exactMatchGrade(answer: string, reference: string): number {
  const expected = reference.trim();
  if (/^-?\d[\d,]*(?:\.\d+)?$/.test(expected)) {
    const numbers = answer.match(numberPattern);
    if (numbers === null) return 0;
    return Number(numbers[numbers.length - 1]!.replace(/,/g, '')) === Number(expected.replace(/,/g, '')) ? 1 : 0;
  }
  const choice = choicePattern.exec(expected);
  if (choice !== null) {
    // A leading choice may be lower case ("(c)", "b."); later in the text only a capital letter counts,
    // so that the article "a" is not read as choice A.
    const given = /^\(?([A-Ha-h])[).:]/.exec(answer.trim()) ?? /(?:^|[^A-Za-z])\(?([A-H])(?:[).:]|\s|$)/.exec(answer);
    return given !== null && given[1]!.toUpperCase() === choice[1]!.toUpperCase() ? 1 : 0;
  }
  const normalise = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return normalise(answer) === normalise(expected) ? 1 : 0;
}

/**
 * A grader that asks a judge model whether the answer matches the reference; it must reply 1 or 0.
 *
 * @example
 * const grader = judgeGrader((prompt) => ask('openai/gpt-4.1', prompt));
 */
export function judgeGrader(ask: (prompt: string) => Promise<string>): Grader {
  return async (answer, reference, prompt) => {
    const verdict = await ask(
      `You grade answers. Question:\n${prompt}\n\nReference answer:\n${reference}\n\nCandidate answer:\n${answer}\n\nReply with 1 if the candidate answer is correct (it agrees with the reference), else 0. Reply with the digit only.`,
    );
    const digit = /[01]/.exec(verdict);
    if (digit === null) throw new InvalidRequestError('The judge model did not reply 1 or 0.', { code: 'judge_unparseable' });
    return Number(digit[0]);
  };
}
