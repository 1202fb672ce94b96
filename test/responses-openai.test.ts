import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

const weather = { type: 'function' as const, name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true };
type Routed<T> = T & { 'x-routekit': Receipt };

/** The chat request the gateway sent upstream for the nth mock request from `since`. */
function upstreamRequest(mock: MockUpstream, since: number, offset = 0): ChatRequest {
  return mock.requests[since + offset]!.body as ChatRequest;
}

describe.each<Framework>(['express', 'koa'])('the Responses API with the official openai client against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;
  let other: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      apiKeys: [
        { id: 'a', hash: hashApiKey('sk-tenant-a'), tenant: 'acme' },
        { id: 'b', hash: hashApiKey('sk-tenant-b'), tenant: 'globex' },
      ],
      responses: { retentionDays: 1 },
      resilience: { attempts: { retries: 0 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-tenant-a', maxRetries: 0 });
    other = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-tenant-b', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers responses.create through auto, with usage and the receipt in the body and the header', async () => {
    const { data, response } = await client.responses.create({ model: 'auto', input: 'What is the capital of France?' }).withResponse();
    expect(data).toMatchObject({ object: 'response', status: 'completed', error: null });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toMatch(/^Mock answer from /);
    expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: data.output_text }] });
    const receipt = (data as Routed<typeof data>)['x-routekit'];
    expect(receipt.strategy).toBe('auto');
    expect(receipt.winner).toBe(data.model);
    expect(response.headers.get('x-routekit-receipt')).toContain(`model=${receipt.winner}`);
    expect(data.usage).toMatchObject({ input_tokens: receipt.tokens.prompt, output_tokens: receipt.tokens.completion, total_tokens: receipt.tokens.total, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
    const stored = (await (await fetch(`${gateway.url}/v1/receipts/${receipt.request_id}`, { headers: { authorization: 'Bearer sk-tenant-a' } })).json()) as Receipt;
    expect(stored.request_id).toBe(receipt.request_id);
  });

  it('sends the provider a chat request: instructions as the system message, max_output_tokens, temperature, text parts and images', async () => {
    const since = mock.requests.length;
    const answer = await client.responses.create({
      model: 'openai/gpt-4.1-mini',
      instructions: 'Answer briefly.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is in this picture?' }, { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' }] }],
      max_output_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      user: 'user-7',
      metadata: { ticket: '42' },
    });
    expect(answer).toMatchObject({ model: 'openai/gpt-4.1-mini', instructions: 'Answer briefly.', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, metadata: { ticket: '42' } });
    const upstream = upstreamRequest(mock, since);
    expect(upstream).toMatchObject({ model: 'gpt-4.1-mini', max_completion_tokens: 50, temperature: 0.2, top_p: 0.9, user: 'user-7' });
    expect(upstream.messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } }] },
    ]);
    expect(upstream).not.toHaveProperty('metadata');
  });

  it('reports a cut answer as incomplete with max_output_tokens', async () => {
    const answer = await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'Tell me a long story.', max_output_tokens: 2 });
    expect(answer).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('streams with .stream(): typed events in order, numbered, and a final response the SDK assembled', async () => {
    const stream = client.responses.stream({ model: 'auto', input: 'Tell me a story.' });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    let text = '';
    stream.on('response.output_text.delta', (event) => (text += event.delta));
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(text);
    expect(text).toMatch(/^Mock answer from /);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type).filter((type, index, all) => type !== all[index - 1]);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage!.total_tokens).toBeGreaterThan(0);
    expect((completed.response as Routed<OpenAI.Responses.Response>)['x-routekit']).toMatchObject({ stream: true, winner: final.model });
  });

  it('streams with create({ stream: true })', async () => {
    const stream = await client.responses.create({ model: 'auto', input: 'Tell me a story.', stream: true });
    let text = '';
    let last: OpenAI.Responses.ResponseStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      last = event;
    }
    expect(last!.type).toBe('response.completed');
    expect((last as OpenAI.Responses.ResponseCompletedEvent).response.output_text).toBe(text);
  });

  it('runs a function tool over two turns with function_call_output', async () => {
    const since = mock.requests.length;
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model: 'auto', input, tools: [weather] });
    const call = first.output.find((item) => item.type === 'function_call')!;
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call.arguments)).toHaveProperty('city');
    expect(first.output_text).toBe('');
    const second = await client.responses.create({ model: 'auto', tools: [weather], input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '{"celsius":21}' }] });
    expect(second.output_text).toMatch(/^Mock answer from /);
    expect(upstreamRequest(mock, since, 1).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: 'get_weather', arguments: call.arguments } }] },
      { role: 'tool', tool_call_id: call.call_id, content: '{"celsius":21}' },
    ]);
    expect(upstreamRequest(mock, since).tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: weather.parameters, strict: true } }]);
  });

  it('streams a function call: argument deltas, .done, and the call in the final response', async () => {
    const stream = client.responses.stream({ model: 'auto', input: 'Weather in Paris?', tools: [weather], tool_choice: { type: 'function', name: 'get_weather' } });
    let deltas = '';
    let done = '';
    stream.on('response.function_call_arguments.delta', (event) => (deltas += event.delta));
    stream.on('response.function_call_arguments.done', (event) => (done = event.arguments));
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === 'function_call')!;
    expect(call.arguments).toBe(deltas);
    expect(done).toBe(deltas);
    expect(JSON.parse(call.arguments)).toHaveProperty('city');
    expect(call.call_id).toMatch(/\S/);
  });

  it('parses structured output with responses.parse and a zod text format', async () => {
    const Weather = z.object({ city: z.string(), celsius: z.number(), sunny: z.boolean() });
    const since = mock.requests.length;
    const parsed = await client.responses.parse({ model: 'auto', input: 'Weather in Paris as JSON.', text: { format: zodTextFormat(Weather, 'weather') } });
    expect(Weather.parse(parsed.output_parsed)).toEqual(parsed.output_parsed);
    expect(upstreamRequest(mock, since).response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'weather', strict: true } });
    const object = await client.responses.create({ model: 'auto', input: 'Any JSON, please.', text: { format: { type: 'json_object' } } });
    expect(JSON.parse(object.output_text)).toBeTypeOf('object');
  });

  it('continues a stored conversation with previous_response_id on the model that answered, and re-routes when asked', async () => {
    const since = mock.requests.length;
    const first = await client.responses.create({ model: 'auto', instructions: 'Be terse.', input: 'My name is Ada.' });
    expect(first.store).toBe(true);
    const second = await client.responses.create({ model: 'auto', input: 'What is my name?', previous_response_id: first.id });
    expect(second.model).toBe(first.model);
    expect((second as Routed<typeof second>)['x-routekit'].model_requested).toBe(first.model);
    // Instructions do not carry over; the previous turn and its answer do.
    expect(upstreamRequest(mock, since, 1).messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: first.output_text },
      { role: 'user', content: 'What is my name?' },
    ]);
    expect(second.previous_response_id).toBe(first.id);

    const third = await client.responses.create({ model: 'auto', input: 'And again?', previous_response_id: second.id, 'x-routing-hints': { priority: 'quality' } } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect((third as Routed<typeof third>)['x-routekit'].strategy).toBe('auto');
    expect(upstreamRequest(mock, since, 2).messages).toHaveLength(5);

    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved).toMatchObject({ id: second.id, output_text: second.output_text, status: 'completed' });
    await expect(other.responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.create({ model: 'auto', input: 'hi', previous_response_id: second.id })).rejects.toMatchObject({ status: 400, param: 'previous_response_id' });
    await expect(other.responses.delete(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await client.responses.delete(second.id);
    await expect(client.responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('stores a streamed response too, and does not store one sent with store: false', async () => {
    const stream = client.responses.stream({ model: 'auto', input: 'Remember this.' });
    const final = await stream.finalResponse();
    expect((await client.responses.retrieve(final.id)).output_text).toBe(final.output_text);
    const unstored = await client.responses.create({ model: 'auto', input: 'Forget this.', store: false });
    expect(unstored.store).toBe(false);
    await expect(client.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('refuses built-in tools, background mode and bad fields with BadRequestError naming the field', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const error = await client.responses.create({ model: 'auto', input: 'hi', ...body } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return error as InstanceType<typeof OpenAI.BadRequestError>;
    };
    expect((await refused({ tools: [weather, { type: 'web_search' }] })).param).toBe('tools[1].type');
    expect((await refused({ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] })).message).toMatch(/file_search/);
    expect((await refused({ background: true })).param).toBe('background');
    expect((await refused({ input: [{ type: 'item_reference', id: 'msg_1' }] })).param).toBe('input[0].type');
    expect((await refused({ temperature: 3 })).param).toBe('temperature');
    expect((await refused({ frobnicate: 1 })).code).toBe('unknown_field');
    expect((await refused({ text: { format: { type: 'json_schema', name: 'x' } } })).param).toBe('text.format.schema');
    await expect(client.responses.create({ model: 'nobody/nothing', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.APIError);
    await expect(new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 }).responses.create({ model: 'auto', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('ends a stream that fails after its first delta with response.failed, and the SDK raises', async () => {
    mock.failNext({ type: 'cut-stream', afterChunks: 2 });
    const stream = await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'Tell me a story.', stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(seen).toContain('response.output_text.delta');
    expect(seen.at(-1)).toBe('response.failed');
    expect(seen).not.toContain('response.completed');

    mock.failNext({ type: 'cut-stream', afterChunks: 2 });
    const helper = client.responses.stream({ model: 'openai/gpt-4.1-mini', input: 'Tell me a story.' });
    await expect(helper.finalResponse()).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe('stored responses without content retention', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], defaultModel: 'openai/gpt-4.1' });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers without storing by default, and refuses store: true and previous_response_id with a 400 that says how to turn storing on', async () => {
    const answer = await client.responses.create({ model: 'auto', input: 'hi' });
    expect(answer.store).toBe(false);
    await expect(client.responses.retrieve(answer.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const refused = await client.responses.create({ model: 'auto', input: 'hi', store: true }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({ param: 'store', code: 'store_not_enabled' });
    expect((refused as Error).message).toMatch(/retentionDays/);
    await expect(client.responses.create({ model: 'auto', input: 'hi', previous_response_id: answer.id })).rejects.toMatchObject({ status: 400, param: 'previous_response_id', code: 'store_not_enabled' });
  });
});
