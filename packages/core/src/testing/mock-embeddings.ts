import { createHash } from 'node:crypto';

/** The mock's default vector length (text-embedding-3-small's). */
export const mockEmbeddingDimensions = 1536;

/** What is wrong with an embeddings body, as OpenAI names it, or undefined when it is valid. */
export function invalidEmbeddingField(body: unknown): string | undefined {
  const candidate = body as { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return 'body';
  if (typeof candidate.model !== 'string') return 'model';
  const { input } = candidate;
  const isTokens = (value: unknown) => Array.isArray(value) && value.length > 0 && value.every((token) => Number.isInteger(token) && (token as number) >= 0);
  const valid =
    (typeof input === 'string' && input !== '') ||
    (Array.isArray(input) && input.length > 0 && (input.every((text) => typeof text === 'string' && text !== '') || isTokens(input) || input.every(isTokens)));
  if (!valid) return 'input';
  if (candidate.dimensions !== undefined && !(Number.isInteger(candidate.dimensions) && (candidate.dimensions as number) > 0 && (candidate.dimensions as number) <= 65_536)) return 'dimensions';
  if (candidate.encoding_format !== undefined && candidate.encoding_format !== 'float' && candidate.encoding_format !== 'base64') return 'encoding_format';
  return undefined;
}

/**
 * A unit vector that depends only on the text and the length: SHA-256 in counter mode gives the
 * bytes, each pair one coordinate in [-1, 1]. Equal texts get equal vectors, in every run.
 */
export function mockVector(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block += 1) {
    const bytes = createHash('sha256').update(`${block}:${text}`).digest();
    for (let offset = 0; offset + 1 < bytes.length && values.length < dimensions; offset += 2) values.push(bytes.readUInt16LE(offset) / 32_767.5 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  // Rounded to float32, as real models send them, so a base64 answer decodes to the same numbers.
  return values.map((value) => Math.fround(value / norm));
}

/** Floats as OpenAI's `encoding_format: "base64"` sends them: little-endian float32 bytes, base64. */
export function base64OfVector(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** The mock's answer to a valid embeddings body: one vector per input, usage at ~4 characters a token (a token array counts its length). */
export function embeddingsOf(body: { model: string; input: string | string[] | number[] | number[][]; dimensions?: number; encoding_format?: 'float' | 'base64' }): unknown {
  const { input } = body;
  const items: Array<string | number[]> = typeof input === 'string' ? [input] : typeof input[0] === 'number' ? [input as number[]] : (input as Array<string | number[]>);
  const dimensions = body.dimensions ?? mockEmbeddingDimensions;
  let tokens = 0;
  const data = items.map((item, index) => {
    tokens += typeof item === 'string' ? Math.max(1, Math.ceil(item.length / 4)) : item.length;
    const vector = mockVector(typeof item === 'string' ? item : `tokens:${item.join(',')}`, dimensions);
    return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64OfVector(vector) : vector };
  });
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
