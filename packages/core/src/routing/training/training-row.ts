import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';

/** One JSONL row of outcomes: a prompt and each model's quality on it, optionally its cost. */
export const trainingRowSchema = z.object({
  id: z.string().optional(),
  task: z.string().optional(),
  prompt: z.string().min(1),
  scores: z.record(z.string(), z.number().min(0).max(1)),
  cost_usd: z.record(z.string(), z.number().min(0)).optional(),
});

export type TrainingRow = z.infer<typeof trainingRowSchema>;

/** Parses JSONL text into rows; an error names the line and the field. */
export function parseTrainingRows(text: string, source = 'input'): TrainingRow[] {
  return parseJsonlRows(text, trainingRowSchema, source);
}

/** Parses JSONL text with a row schema; an error names the line and the field. */
export function parseJsonlRows<Schema extends z.ZodType>(text: string, schema: Schema, source = 'input'): z.infer<Schema>[] {
  const rows: z.infer<Schema>[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InvalidRequestError(`${source} line ${index + 1}: not valid JSON`, { code: 'invalid_training_row' });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidRequestError(`${source} line ${index + 1}, field ${issue.path.join('.') || '(row)'}: ${issue.message}`, { code: 'invalid_training_row', param: issue.path.join('.') });
    }
    rows.push(parsed.data);
  }
  return rows;
}

/** The models every row scores, in first-seen order. */
export function commonModels(rows: readonly TrainingRow[]): string[] {
  if (rows.length === 0) return [];
  return Object.keys(rows[0]!.scores).filter((model) => rows.every((row) => row.scores[model] !== undefined));
}
