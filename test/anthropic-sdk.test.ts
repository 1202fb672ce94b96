import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelCatalog, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

type ApiError = InstanceType<typeof Anthropic.APIError>;

const catalog = new ModelCatalog();
const weather: Anthropic.Tool = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const receiptOf = (message: unknown) => (message as { 'x-routekit': Receipt })['x-routekit'];
type MessagesBody = { model: string; system?: unknown; messages: { role: string; content: unknown }[]; tools?: Record<string, unknown>[]; thinking?: unknown; top_k?: number; cache_control?: unknown };

describe.each<Framework>(['express', 'koa'])('the official @anthropic-ai/sdk against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: Anthropic;
  const lastUpstream = (): RecordedRequest => mock.requests.at(-1)!;
  const upstreamBody = () => lastUpstream().body as MessagesBody;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      resilience: { attempts: { retries: 0 } },
    });
    client = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('answers a text request with system blocks in Anthropic shape, with the receipt in a header and a field the SDK ignores', async () => {
    const { data: message, response } = await client.messages
      .create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in English.' }], messages: [{ role: 'user', content: 'What is the capital of France?' }] })
      .withResponse();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'anthropic/claude-sonnet-4-5', stop_reason: 'end_turn', stop_sequence: null });
    expect(message.content).toEqual([{ type: 'text', text: 'Mock answer from claude-sonnet-4-5.' }]);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const receipt = receiptOf(message);
    expect(receipt).toMatchObject({ request_id: message.id, winner: 'anthropic/claude-sonnet-4-5', status: 'ok' });
    expect(receipt.tokens).toMatchObject({ prompt: message.usage.input_tokens, completion: message.usage.output_tokens });
    expect(response.headers.get('x-routekit-receipt')).toContain('model=anthropic/claude-sonnet-4-5');
    expect(lastUpstream().path).toBe('/v1/messages');
    expect(upstreamBody()).toMatchObject({ model: 'claude-sonnet-4-5', system: 'Be brief.Answer in English.', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  });

  it('takes a bare Anthropic model name and answers it from Anthropic', async () => {
    const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.model).toBe('anthropic/claude-haiku-4-5');
    expect(lastUpstream().path).toBe('/v1/messages');
  });

  it('passes images (base64 and URL) to an Anthropic model as image blocks', async () => {
    await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'What is in these pictures?' },
          ],
        },
      ],
    });
    expect(upstreamBody().messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      { type: 'text', text: 'What is in these pictures?' },
    ]);
  });

  it('runs a tool loop over two turns with tool_result', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, tools: [weather], messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    expect(typeof (call.input as { city: unknown }).city).toBe('string');
    expect(upstreamBody().tools).toEqual([{ name: 'get_weather', description: 'Weather in a city', input_schema: weather.input_schema }]);

    const second = await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 200,
      tools: [weather],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 °C and sunny' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]).toMatchObject({ type: 'text' });
    expect(upstreamBody().messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18 °C and sunny' }] });
  });

  it('returns thinking blocks with their signature and takes them back in the history', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [weather], messages: [question] });
    expect(first.content[0]).toEqual({ type: 'thinking', thinking: 'Mock reasoning about the question.', signature: 'mock-signature' });
    expect(upstreamBody().thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    await client.messages.create({
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [weather],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] }],
    });
    const assistant = upstreamBody().messages[1]!.content as { type: string }[];
    expect(assistant[0]).toEqual({ type: 'thinking', thinking: 'Mock reasoning about the question.', signature: 'mock-signature' });
    expect(assistant.map((block) => block.type)).toEqual(['thinking', 'tool_use']);
  });

  it('keeps cache_control and anthropic-beta end to end for an Anthropic model, and reports cache writes then reads', async () => {
    const system: Anthropic.TextBlockParam[] = [{ type: 'text', text: 'A long reference document. '.repeat(40), cache_control: { type: 'ephemeral' } }];
    const ask = () =>
      client.messages.create(
        { model: 'anthropic/claude-sonnet-4-5', max_tokens: 50, system, tools: [{ ...weather, cache_control: { type: 'ephemeral', ttl: '1h' } }], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise it.', cache_control: { type: 'ephemeral' } }] }] },
        { headers: { 'anthropic-beta': 'extended-cache-ttl-2025-04-11' } },
      );
    const first = await ask();
    const received = lastUpstream();
    expect(received.headers['anthropic-beta']).toBe('extended-cache-ttl-2025-04-11');
    const body = received.body as MessagesBody;
    expect(body.system).toEqual(system);
    expect(body.tools![0]!.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(body.messages[0]!.content).toEqual([{ type: 'text', text: 'Summarise it.', cache_control: { type: 'ephemeral' } }]);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(first.usage.cache_read_input_tokens).toBe(0);

    const second = await ask();
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBe(first.usage.input_tokens);
    // The core counts every input token as prompt, the cached ones apart.
    expect(receiptOf(second).tokens.prompt).toBe(second.usage.input_tokens + second.usage.cache_read_input_tokens!);
  });

  it('drops cache_control and anthropic-beta before an OpenAI upstream', async () => {
    await client.messages.create(
      // top_k is Anthropic's (gone from the SDK's newest types, still accepted by the API).
      { model: 'openai/gpt-4.1', max_tokens: 50, top_k: 5, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }] } as Anthropic.MessageCreateParamsNonStreaming,
      { headers: { 'anthropic-beta': 'extended-cache-ttl-2025-04-11' } },
    );
    const received = lastUpstream();
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.headers['anthropic-beta']).toBeUndefined();
    expect(JSON.stringify(received.body)).not.toMatch(/cache_control|x-anthropic|top_k/);
    expect((received.body as { messages: unknown[] }).messages).toEqual([{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  it('streams with messages.stream(): text events, finalMessage, usage and the receipt', async () => {
    const stream = client.messages.stream({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    let text = '';
    const types: string[] = [];
    let receipt: Receipt | undefined;
    stream.on('text', (delta) => (text += delta));
    stream.on('streamEvent', (event) => {
      types.push(event.type);
      if (event.type === 'message_delta') receipt = receiptOf(event);
    });
    const final = await stream.finalMessage();
    expect(text).toBe('Mock answer from claude-sonnet-4-5.');
    expect(final.content).toEqual([{ type: 'text', text }]);
    expect(final).toMatchObject({ model: 'anthropic/claude-sonnet-4-5', stop_reason: 'end_turn' });
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_start');
    expect(types).toContain('content_block_stop');
    expect(receipt).toMatchObject({ request_id: final.id, stream: true, status: 'ok', winner: 'anthropic/claude-sonnet-4-5' });
    expect(receipt!.tokens.completion).toBe(final.usage.output_tokens);
  });

  it('streams tool use as input_json_delta, from an OpenAI model chosen by auto', async () => {
    const stream = client.messages.stream({ model: 'auto', max_tokens: 200, tools: [weather], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const jsonDeltas: string[] = [];
    stream.on('inputJson', (partial) => jsonDeltas.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const call = final.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(call.name).toBe('get_weather');
    expect(typeof (call.input as { city: unknown }).city).toBe('string');
    expect(jsonDeltas.join('')).toBe(JSON.stringify(call.input));
    expect(final.model.startsWith('openai/')).toBe(true);
  });

  it('answers model auto with an OpenAI model in Anthropic shape, tools included', async () => {
    const message = await client.messages.create({ model: 'auto', max_tokens: 200, tools: [weather], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(lastUpstream().path).toBe('/v1/chat/completions');
    expect(message.model.startsWith('openai/')).toBe(true);
    expect(catalog.get(message.model)!.capabilities.tools).toBe(true);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/\S/), name: 'get_weather', input: { city: expect.any(String) } }]);
    expect((lastUpstream().body as { tool_choice: unknown }).tool_choice).toBe('required');
    expect(receiptOf(message).strategy).toBe('auto');
  });

  it('counts tokens as an upper bound of what the prompt costs', async () => {
    const counted = await client.messages.countTokens({ model: 'anthropic/claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    const answered = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 50, system: 'Be brief.', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    expect(counted.input_tokens).toBeGreaterThanOrEqual(answered.usage.input_tokens);
    const longer = await client.messages.countTokens({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France? '.repeat(10) }], tools: [weather] });
    expect(longer.input_tokens).toBeGreaterThan(counted.input_tokens);
  });

  it('maps errors onto the SDK error classes with Anthropic statuses', async () => {
    const missing = await client.messages.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
    expect((missing as ApiError).error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens is required.' }, request_id: expect.any(String) });

    await expect(client.messages.create({ model: 'gpt-9', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);

    mock.failNext({ type: 'status', status: 429, retryAfterSeconds: 7 });
    const limited = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('7');

    mock.failNext({ type: 'status', status: 529 });
    const overloaded = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as ApiError).status).toBe(529);
    expect(((overloaded as ApiError).error as { error: { type: string } }).error.type).toBe('overloaded_error');

    const versioned = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0, defaultHeaders: { 'anthropic-version': '1999-01-01' } });
    const wrongVersion = await versioned.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(wrongVersion).toBeInstanceOf(Anthropic.BadRequestError);
    expect((wrongVersion as ApiError).message).toMatch(/anthropic-version/);
  });

  it('raises on an error event when the stream fails after its first delta', async () => {
    mock.failNext({ type: 'cut-stream', afterChunks: 2 });
    const stream = client.messages.stream({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a long story about the sea.' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const failed = await stream.finalMessage().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Anthropic.APIError);
    expect(text).not.toBe('');
    expect((failed as ApiError).message).toMatch(/api_error|closed the stream/);
  });
});

describe('the @anthropic-ai/sdk client with keys and a slow upstream', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream({ tokensPerSecond: 50 });
    gateway = await startGateway('express', {
      providers: [{ id: 'anthropic', kind: 'anthropic', baseUrl: mock.url }],
      apiKeys: [{ id: 'team', hash: hashApiKey('sk-team-key'), tenant: 'acme' }],
      resilience: { attempts: { retries: 0 } },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('takes the gateway key as x-api-key or as a bearer token, and refuses others with AuthenticationError', async () => {
    const byHeader = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-team-key', maxRetries: 0 });
    expect((await byHeader.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message');
    const byBearer = new Anthropic({ baseURL: gateway.url, authToken: 'sk-team-key', apiKey: null, maxRetries: 0 });
    expect((await byBearer.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })).type).toBe('message');
    const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    const refused = await wrong.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(((refused as ApiError).error as { error: { type: string } }).error.type).toBe('authentication_error');
  });

  it('stops the upstream when the client aborts mid-stream', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-team-key', maxRetries: 0 });
    mock.reset();
    const stream = client.messages.stream({ model: 'anthropic/claude-haiku-4-5', max_tokens: 500, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    const firstText = new Promise<void>((resolve) => stream.once('text', () => resolve()));
    const ended = stream.done().catch((error: unknown) => error);
    await firstText;
    stream.abort();
    expect(await ended).toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect.poll(() => mock.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
  });
});

describe('the @anthropic-ai/sdk client with PII redaction and the cache on', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: Anthropic;
  const lastUserText = (request: { messages: { role: string; content: unknown }[] }) => {
    const content = request.messages.at(-1)!.content;
    return typeof content === 'string' ? content : (content as { type: string; text?: string }[]).map((part) => part.text ?? '').join('');
  };

  beforeAll(async () => {
    // The mock echoes the prompt it was sent, placeholders included, so restoring them is the gateway's work.
    mock = await startMockUpstream({ reply: (request) => `You said: ${lastUserText(request)}` });
    gateway = await startGateway('koa', { providers: [{ id: 'anthropic', kind: 'anthropic', baseUrl: mock.url }], pii: true, cache: true, resilience: { attempts: { retries: 0 } } });
    client = new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('keeps PII from the upstream and restores it in the answer, JSON and streamed', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Mail ana.lopez@example.com about the invoice.' }];
    const message = await client.messages.create({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 100, messages });
    expect(JSON.stringify(mock.requests.at(-1)!.body)).not.toContain('ana.lopez@example.com');
    expect(message.content).toEqual([{ type: 'text', text: 'You said: Mail ana.lopez@example.com about the invoice.' }]);
    expect(receiptOf(message).pii?.detected).toMatchObject({ EMAIL: 1 });

    const stream = client.messages.stream({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Call +1 415 555 0132 and mail bo@example.org.' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    await stream.finalMessage();
    expect(text).toBe('You said: Call +1 415 555 0132 and mail bo@example.org.');
    expect(JSON.stringify(mock.requests.at(-1)!.body)).not.toContain('bo@example.org');
  });

  it('answers a repeated request from the cache, in Anthropic shape', async () => {
    const ask = () => client.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'What is the tallest mountain on Earth?' }] });
    const first = await ask();
    const upstreamCalls = mock.requests.length;
    const second = await ask();
    expect(mock.requests).toHaveLength(upstreamCalls);
    expect(second.content).toEqual(first.content);
    expect(second.type).toBe('message');
    expect(receiptOf(second).cache?.status).toBe('hit');
  });
});
