import { z } from 'zod';

/** One model entry as written in a catalog file or in config; validated at the edge. */
export const modelInfoSchema = z.object({
  id: z.string().regex(/^[^/\s]+\/\S+$/, 'must look like provider/model'),
  provider: z.string().min(1),
  upstreamModel: z.string().min(1),
  inputPricePerMillion: z.number().nonnegative(),
  outputPricePerMillion: z.number().nonnegative(),
  cachedInputPricePerMillion: z.number().nonnegative().optional(),
  cacheWritePricePerMillion: z.number().nonnegative().optional(),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), jsonMode: z.boolean() }),
  quality: z.number().min(0).max(1),
  typicalTimeToFirstTokenMs: z.number().nonnegative(),
  typicalTokensPerSecond: z.number().positive(),
  aliases: z.array(z.string()).optional(),
  kind: z.enum(['chat', 'embedding']).optional(),
  dimensions: z.number().int().positive().optional(),
});

export const catalogFileSchema = z.object({ models: z.array(modelInfoSchema) });
