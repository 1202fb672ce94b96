import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';

/**
 * A trained router as shipped or written by `routekit train`: per-model logistic regressions on
 * `PromptFeaturizer` features, stored as int16 with one scale per model (base64), so a file stays small.
 */
export const routerFileSchema = z.object({
  format: z.literal('routekit-router'),
  version: z.literal(1),
  /** The scorer name used in `router-<name>-<threshold>`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'lower-case letters, digits and _ only'),
  featurizer: z.object({
    bits: z.number().int().min(8).max(20),
    standardise: z.object({ mean: z.array(z.number()), scale: z.array(z.number().positive()) }).optional(),
    without: z.array(z.enum(['words', 'tail', 'characters', 'statistics'])).optional(),
    splitByPromptType: z.boolean().optional(),
    taskStatistics: z.boolean().optional(),
  }),
  /** The models of the training data, in weight order. */
  models: z.array(z.string()).min(1),
  weights: z.record(z.string(), z.object({ scale: z.number(), data: z.string() })),
  /** The strong and weak models of a two-model router (data-set names). */
  strong: z.string().optional(),
  weak: z.string().optional(),
  /** Catalog ids that stand for the data-set models by default; users map their own pair instead. */
  catalogModels: z.record(z.string(), z.string()).default({}),
  /** Mean cost per prompt of each model in the training data, in USD, when the data had costs. */
  meanCostUsd: z.record(z.string(), z.number()).default({}),
  /** Mean quality of each model in the training data. */
  meanQuality: z.record(z.string(), z.number()).default({}),
  /** Predictions are pulled toward each model's mean quality by this factor (1 = as learned); small noisy data sets need less than 1. */
  shrinkage: z.number().min(0).max(1).default(1),
  /** Thresholds calibrated on the training prompts: strong share (as a string, e.g. "0.3") to threshold. */
  thresholds: z.record(z.string(), z.number()).default({}),
  /** The threshold used when a model string names the scorer without one. */
  defaultThreshold: z.number().min(0).max(1).optional(),
  /** 32-bit hashes of the training prompts (base64), so an evaluation can tell seen prompts from unseen ones. */
  trainingFingerprints: z.string().optional(),
  /** Where the router came from and what it measured, for people reading the file. */
  notes: z.record(z.string(), z.unknown()).default({}),
});

export type RouterFile = z.infer<typeof routerFileSchema>;

/** Validates a parsed router file; errors name the field. */
export function parseRouterFile(value: unknown): RouterFile {
  const parsed = routerFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRequestError(`Invalid router file at ${issue.path.join('.') || '(root)'}: ${issue.message}`, { code: 'invalid_router_file', param: issue.path.join('.') });
  }
  for (const model of parsed.data.models) {
    if (parsed.data.weights[model] === undefined) throw new InvalidRequestError(`Invalid router file at weights.${model}: missing`, { code: 'invalid_router_file', param: `weights.${model}` });
  }
  return parsed.data;
}

/** Quantises weights to int16 with one scale, base64-encoded. */
export function encodeWeights(weights: Float32Array): { scale: number; data: string } {
  let largest = 0;
  for (const weight of weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest === 0 ? 1 : largest / 32767;
  const quantised = new Int16Array(weights.length);
  for (let index = 0; index < weights.length; index++) quantised[index] = Math.round(weights[index]! / scale);
  return { scale, data: Buffer.from(quantised.buffer, quantised.byteOffset, quantised.byteLength).toString('base64') };
}

export function decodeWeights(encoded: { scale: number; data: string }, dimension: number): Float32Array {
  const bytes = Buffer.from(encoded.data, 'base64');
  if (bytes.byteLength !== dimension * 2) throw new InvalidRequestError(`Router weights have ${bytes.byteLength / 2} values, expected ${dimension}.`, { code: 'invalid_router_file' });
  const quantised = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights = new Float32Array(dimension);
  for (let index = 0; index < dimension; index++) weights[index] = quantised[index]! * encoded.scale;
  return weights;
}

/** A 32-bit FNV-1a hash of a prompt, as stored in `trainingFingerprints`. */
export function promptFingerprint(prompt: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < prompt.length; index++) hash = Math.imul(hash ^ prompt.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

export function encodeFingerprints(prompts: readonly string[]): string {
  const hashes = Uint32Array.from(new Set(prompts.map(promptFingerprint))).sort();
  return Buffer.from(hashes.buffer).toString('base64');
}

export function decodeFingerprints(encoded: string): Set<number> {
  const bytes = Buffer.from(encoded, 'base64');
  return new Set(new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
}
