import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
const textContent = z.union([z.string(), z.array(textPart)]);

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: textContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]), name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([textContent, z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    refusal: z.string().nullable().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/** The longest model string accepted: it is recorded in receipts, logs and the database. */
export const maxModelLength = 256;

/** The model string as far as it is recorded: at most `maxModelLength` characters (in-process callers skip the schema). */
export function recordedModel(model: string): string {
  return model.length <= maxModelLength ? model : `${model.slice(0, maxModelLength - 1)}…`;
}

/** The chat completion request as it arrives from outside; unknown fields pass through. */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(maxModelLength),
  messages: z.array(message).min(1, 'must contain at least one message'),
  tools: z.array(functionTool).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({ type: z.literal('json_schema'), json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }) }),
    ])
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  n: z.number().int().min(1).max(1, 'routekit returns one choice; n must be 1').nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  user: z.string().optional(),
});

/** Routing hints, from the `x-routing-hints` body field or the `x-routekit-hints` header. */
export const routingHintsSchema = z.strictObject({
  priority: z.enum(['cost', 'latency', 'quality']).optional(),
  max_latency_ms: z.number().positive().optional(),
  prefer_providers: z.array(z.string()).optional(),
  exclude_providers: z.array(z.string()).optional(),
  min_quality_score: z.number().min(0).max(1).optional(),
});
