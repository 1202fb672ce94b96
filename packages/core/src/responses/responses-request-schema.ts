import { z } from 'zod';

const detail = z.enum(['auto', 'low', 'high']);
const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().min(1, 'must be an https or data: URL (file_id images are not served)'),
  detail: detail.nullable().optional(),
});
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });

/** Items without a `type` are messages (the SDK's EasyInputMessage); naming it lets one discriminated union read them all. */
const typedAsMessage = (item: unknown) => (typeof item === 'object' && item !== null && !Array.isArray(item) && !Object.hasOwn(item, 'type') ? { ...item, type: 'message' } : item);

const message = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, outputText, refusal])).max(1024)]),
});
const functionCall = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1).max(256),
  name: z.string().min(1).max(64),
  arguments: z.string(),
});
const functionCallOutput = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1).max(256),
  output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage])).max(1024)]),
});
const inputItem = z.preprocess(typedAsMessage, z.discriminatedUnion('type', [message, functionCall, functionCallOutput]));

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullable().optional(),
    description: z.string().nullable().optional(),
  }),
]);

/**
 * The Responses request as it arrives from outside. Unknown fields are refused (they cannot pass
 * through: the provider is called over chat completions); fields that change nothing routekit
 * serves (`include`, `truncation`, `service_tier`, `prompt_cache_key`, ...) are accepted and ignored.
 */
export const responsesRequestSchema = z.strictObject({
  model: z.string().min(1).max(512),
  input: z.union([z.string(), z.array(inputItem).min(1, 'must contain at least one item').max(4096)]),
  instructions: z.string().nullable().optional(),
  tools: z.array(functionTool).max(512).nullable().optional(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), name: z.string().min(1) })]).nullable().optional(),
  text: z.object({ format: textFormat.nullable().optional(), verbosity: z.enum(['low', 'medium', 'high']).nullable().optional() }).nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((metadata) => Object.keys(metadata).length <= 16, 'must have at most 16 keys')
    .nullable()
    .optional(),
  user: z.string().max(512).optional(),
  stream: z.boolean().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().min(1).max(256).nullable().optional(),
  reasoning: z.object({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(), summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional(), generate_summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional() }).nullable().optional(),
  // Accepted and ignored: they change nothing in an answer routekit serves.
  include: z.array(z.string().max(128)).max(32).nullable().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  service_tier: z.string().max(32).nullable().optional(),
  prompt_cache_key: z.string().max(512).nullable().optional(),
  prompt_cache_retention: z.string().max(32).nullable().optional(),
  safety_identifier: z.string().max(512).nullable().optional(),
  stream_options: z.object({ include_obfuscation: z.boolean().optional() }).nullable().optional(),
  // routekit's resilience fields; the engine validates them as it does on chat.
  'x-fallback-chain': z.unknown().optional(),
  'x-routekit-deadline-ms': z.unknown().optional(),
});
