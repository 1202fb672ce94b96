import { Validator, type Schema } from '@cfworker/json-schema';
import OpenAI from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startMockUpstream, type MockUpstream } from './index.js';

// JSON mode, structured output and tool loops against the mock, driven by the official openai
// client's own helpers: they parse and validate what the mock answers, so an answer that does not
// fit the schema fails here as it would in a user's test.
let upstream: MockUpstream;
let client: OpenAI;
beforeAll(async () => {
  upstream = await startMockUpstream();
  client = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
});
afterAll(() => upstream.close());

const calendarEvent = z.object({
  name: z.string(),
  date: z.string(),
  participants: z.array(z.object({ name: z.string(), role: z.enum(['organiser', 'guest']) })),
  location: z.string().nullable(),
  duration_minutes: z.number().int().min(15).max(480),
  online: z.boolean(),
  recurrence: z.union([z.object({ every: z.literal('week'), weekday: z.enum(['mon', 'fri']) }), z.object({ every: z.literal('never') })]),
});
const messages = [{ role: 'user' as const, content: 'Alice and Bob are going to a science fair on Friday.' }];

describe('the mock upstream and response_format', () => {
  it('answers json_schema with JSON the zod schema accepts (client.chat.completions.parse)', async () => {
    const completion = await client.chat.completions.parse({ model: 'gpt-4.1-mini', messages, response_format: zodResponseFormat(calendarEvent, 'event') });
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(message.parsed).not.toBeNull();
    expect(calendarEvent.parse(message.parsed)).toEqual(message.parsed);
    expect(message.parsed!.participants.length).toBeGreaterThan(0);
  });

  it('streams the same JSON in pieces the client reassembles and parses', async () => {
    const stream = client.chat.completions.stream({ model: 'gpt-4.1', messages, response_format: zodResponseFormat(calendarEvent, 'event'), stream_options: { include_usage: true } });
    let pieces = 0;
    stream.on('content.delta', () => (pieces += 1));
    const completion = await stream.finalChatCompletion();
    expect(pieces).toBeGreaterThan(1);
    expect(calendarEvent.safeParse(completion.choices[0]!.message.parsed).success).toBe(true);
  });

  it('answers json_object with a JSON object', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_object' } });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ answer: 'Mock answer from gpt-4o-mini.' });
  });

  it('answers a raw JSON schema with $defs, a recursive $ref and oneOf with valid JSON', async () => {
    const schema = {
      type: 'object',
      $defs: { section: { type: 'object', properties: { title: { type: 'string' }, subsections: { type: 'array', items: { $ref: '#/$defs/section' } } }, required: ['title', 'subsections'], additionalProperties: false } },
      properties: { outline: { $ref: '#/$defs/section' }, status: { oneOf: [{ type: 'string', enum: ['draft'] }, { type: 'integer', minimum: 1 }] } },
      required: ['outline', 'status'],
      additionalProperties: false,
    };
    const completion = await client.chat.completions.create({ model: 'gpt-4.1', messages, response_format: { type: 'json_schema', json_schema: { name: 'outline', schema, strict: true } } });
    const result = new Validator(schema as Schema, '2020-12', false).validate(JSON.parse(completion.choices[0]!.message.content!));
    expect(result.errors).toEqual([]);
  });

  it('answers a schema it cannot satisfy with a 400 naming the problem, not a 500', async () => {
    const request = client.chat.completions.create({ model: 'gpt-4.1', messages, response_format: { type: 'json_schema', json_schema: { name: 'broken', schema: { $ref: '#/$defs/missing' } } } });
    await expect(request).rejects.toMatchObject({ status: 400, message: expect.stringContaining('points at nothing') });
  });
});

describe('the mock upstream and tool calls', () => {
  const lookupWeather = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']), days: z.number().int().min(1).max(7) });
  const lookupOrder = z.object({ order_id: z.string().regex(/^ORD-\d{6}$/), include: z.array(z.enum(['items', 'shipping'])).min(1) });

  it('calls the tool with arguments valid for its parameters, in JSON and streamed deltas', async () => {
    const tools = [zodFunction({ name: 'lookup_order', parameters: lookupOrder })];
    const completion = await client.chat.completions.parse({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Where is my order?' }], tools });
    const call = completion.choices[0]!.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.parsed_arguments).toEqual(lookupOrder.parse(JSON.parse(call.function.arguments)));
    const stream = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Where is my order?' }], tools, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(lookupOrder.safeParse(JSON.parse(streamed)).success).toBe(true);
  });

  it.each([false, true])('runs a tool loop with runTools (stream: %s): the tool runs on valid arguments and the model answers after', async (stream) => {
    const calls: unknown[] = [];
    const tool = zodFunction({
      name: 'get_weather',
      parameters: lookupWeather,
      function: (args: z.infer<typeof lookupWeather>) => {
        calls.push(args);
        return { temperature: 21, unit: args.unit };
      },
    });
    const body = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Weather in Paris for 3 days?' }], tools: [tool] };
    const runner = stream ? client.chat.completions.runTools({ ...body, stream: true }) : client.chat.completions.runTools(body);
    const content = await runner.finalContent();
    expect(calls).toHaveLength(1);
    expect(lookupWeather.safeParse(calls[0]).success).toBe(true);
    expect(content).toBe('Mock answer from gpt-4.1.');
  });
});

describe('the mock upstream and tools over the Anthropic Messages wire', () => {
  const inputSchema = { type: 'object', properties: { query: { type: 'string', minLength: 3 }, limit: { type: 'integer', minimum: 5, maximum: 10 } }, required: ['query', 'limit'] };
  const body = { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Search the docs for routing.' }], tools: [{ name: 'search_docs', input_schema: inputSchema }] };
  const post = (extra: Record<string, unknown>) => fetch(`${upstream.url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, ...extra }) });

  it('answers tool_use with input valid for input_schema, in JSON and as input_json_delta events', async () => {
    const message = (await (await post({})).json()) as { content: { type: string; input?: unknown }[]; stop_reason: string };
    expect(message.stop_reason).toBe('tool_use');
    const input = message.content.find((block) => block.type === 'tool_use')!.input;
    expect(new Validator(inputSchema as Schema, '2020-12', false).validate(input).errors).toEqual([]);
    const events = await (await post({ stream: true })).text();
    const partial = [...events.matchAll(/"partial_json":"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string).join('');
    expect(JSON.parse(partial)).toEqual(input);
  });
});
