import { PromptFeaturizer, type PromptFeaturizerOptions, type SparseFeatures } from '../routing/prompt-features.js';

/**
 * The featurizer outcomes are stored with: the shipped `lr` router's (16 hashed bits, a model per
 * prompt type, the task statistics), raw, so a router trained on outcomes can standardise them itself.
 * Its name is stored with each outcome; a future featurizer gets a new name and old rows stay readable.
 */
export const outcomeFeaturizerOptions = { bits: 16, splitByPromptType: true, taskStatistics: true } as const satisfies PromptFeaturizerOptions;
export const outcomeFeaturizerKey = 'prompt-features-16-split-task';

export function createOutcomeFeaturizer(): PromptFeaturizer {
  return new PromptFeaturizer(outcomeFeaturizerOptions);
}

/** Sparse features as base64: the count, the indices (int32), then the values (float32), little-endian. */
export function encodeSparseFeatures(features: SparseFeatures): string {
  const count = features.indices.length;
  const buffer = Buffer.alloc(4 + count * 8);
  buffer.writeUInt32LE(count, 0);
  for (let index = 0; index < count; index++) {
    buffer.writeInt32LE(features.indices[index]!, 4 + index * 4);
    buffer.writeFloatLE(features.values[index]!, 4 + count * 4 + index * 4);
  }
  return buffer.toString('base64');
}

export function decodeSparseFeatures(encoded: string): SparseFeatures {
  const buffer = Buffer.from(encoded, 'base64');
  const count = buffer.readUInt32LE(0);
  if (buffer.length !== 4 + count * 8) throw new Error('Stored prompt features are truncated.');
  const indices = new Int32Array(count);
  const values = new Float32Array(count);
  for (let index = 0; index < count; index++) {
    indices[index] = buffer.readInt32LE(4 + index * 4);
    values[index] = buffer.readFloatLE(4 + count * 4 + index * 4);
  }
  return { indices, values };
}
