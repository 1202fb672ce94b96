import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockReply, type MockUpstream } from '@routekit/core/testing';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RoutedChatModel, type RoutedChatModelOptions } from './index.js';

const email = 'jane.doe@example.com';
let mock: MockUpstream;

function lastText(request: ChatRequest): string {
  const content = request.messages.at(-1)?.content;
  return typeof content === 'string' ? content : '';
}

/** The mock's answers: tool results are summarised, structured output is schema-valid, text is echoed when asked. */
function reply(request: ChatRequest): MockReply {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return `The weather in Paris is ${String(last.content)}.`;
  if (request.response_format?.type === 'json_schema') return JSON.stringify({ name: 'Ada', age: 36 });
  const tools = request.tools ?? [];
  if (tools.some((candidate) => candidate.function.name === 'person')) return { tool_calls: [{ name: 'person', arguments: '{"name":"Ada","age":36}' }] };
  if (tools.length > 0) return { tool_calls: [{ name: tools[0]!.function.name, arguments: '{"city":"Paris"}' }] };
  if (lastText(request).startsWith('Echo:')) return `You said: ${lastText(request).slice('Echo:'.length).trim()}`;
  return `Mock answer from ${request.model}.`;
}

function routed(options: Partial<RoutedChatModelOptions> = {}): RoutedChatModel {
  const chat = (model: string) => new ChatOpenAI({ model, apiKey: 'test', configuration: { baseURL: mock.url }, maxRetries: 0 });
  return new RoutedChatModel({ models: { 'openai/gpt-4.1': chat('gpt-4.1'), 'openai/gpt-4.1-mini': chat('gpt-4.1-mini') }, ...options });
}

function chatBodies(): ChatRequest[] {
  return mock.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);
}

beforeAll(async () => {
  mock = await startMockUpstream({ reply });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.reset();
});

describe('RoutedChatModel with ChatOpenAI against the mock upstream over HTTP', () => {
  it('runs prompt | model | StringOutputParser, calling the chosen model by its provider name', async () => {
    const chain = ChatPromptTemplate.fromMessages([['system', 'Answer briefly.'], ['human', '{question}']]).pipe(routed()).pipe(new StringOutputParser());
    expect(await chain.invoke({ question: 'What is the capital of France?' })).toBe('Mock answer from gpt-4.1-mini.');
    expect(chatBodies()).toHaveLength(1);
    expect(chatBodies()[0]).toMatchObject({ model: 'gpt-4.1-mini', messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is the capital of France?' }] });
  });

  it('streams: each token reaches the callbacks exactly once, from one chat model run, with real usage in the receipt', async () => {
    const tokens: string[] = [];
    let chatModelRuns = 0;
    const handler = BaseCallbackHandler.fromMethods({ handleLLMNewToken: (token) => void tokens.push(token), handleChatModelStart: () => void (chatModelRuns += 1) });
    const chain = ChatPromptTemplate.fromMessages([['human', '{question}']]).pipe(routed());
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await chain.stream({ question: 'Hi' }, { callbacks: [handler] })) whole = whole === undefined ? chunk : whole.concat(chunk);
    expect(whole!.content).toBe('Mock answer from gpt-4.1-mini.');
    expect(chatBodies()[0]?.stream).toBe(true);
    expect(chatModelRuns).toBe(1);
    // The mock streams word pieces: "Mock", " answer", " from", " gpt-4.1-mini."
    expect(tokens).toEqual(['Mock', ' answer', ' from', ' gpt-4.1-mini.', '']);
    const receipt = whole!.response_metadata.routekit as Receipt;
    expect(receipt).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true, status: 'ok', tokens: { estimated: false } });
    expect(whole!.usage_metadata?.total_tokens).toBe(receipt.tokens.total);
  });

  it('drives a tool-calling agent (langchain createAgent) to its answer', async () => {
    let calledWith: unknown;
    const getWeather = tool(async ({ city }: { city: string }) => { calledWith = city; return 'sunny'; }, { name: 'get_weather', description: 'The weather of a city', schema: z.object({ city: z.string() }) });
    const agent = createAgent({ model: routed(), tools: [getWeather] });
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    const messages = result.messages as BaseMessage[];
    expect(calledWith).toBe('Paris');
    expect(messages.at(-1)!.text).toBe('The weather in Paris is sunny.');
    const bodies = chatBodies();
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.tools?.map((candidate) => candidate.function.name)).toEqual(['get_weather']);
    expect(bodies[1]!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('streams tool calls as tool_call_chunks that concatenate to the call, and serves the content-block event stream', async () => {
    const getWeather = tool(async () => 'sunny', { name: 'get_weather', description: 'The weather of a city', schema: z.object({ city: z.string() }) });
    const model = routed().bindTools([getWeather]);
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream('Weather in Paris?')) whole = whole === undefined ? chunk : whole.concat(chunk);
    expect(whole!.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(whole!.response_metadata.finish_reason).toBe('tool_calls');
    const events = routed().streamEvents('Hi');
    const text: string[] = [];
    for await (const token of events.text) text.push(token);
    expect(text.join('')).toBe('Mock answer from gpt-4.1-mini.');
    const final = await events;
    expect(final.response_metadata.model_name).toBe('openai/gpt-4.1-mini');
    expect(final.response_metadata.finish_reason).toBe('stop');
    expect(final.response_metadata.routekit).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true, status: 'ok' });
  });

  it('redacts PII before the request leaves and restores it in the answer', async () => {
    const answer = await routed({ pii: true }).invoke(`Echo: write to ${email}`);
    expect(JSON.stringify(chatBodies()[0])).not.toContain(email);
    expect(answer.content).toBe(`You said: write to ${email}`);
  });

  it('falls back to the next candidate when the chosen model answers 500 before its first token (invoke and stream)', async () => {
    const failing = await startMockUpstream({ failures: { 'gpt-4.1-mini': { type: 'status', status: 500 } } });
    try {
      const chat = (name: string) => new ChatOpenAI({ model: name, apiKey: 'test', configuration: { baseURL: failing.url }, maxRetries: 0 });
      const model = new RoutedChatModel({ models: { 'openai/gpt-4.1': chat('gpt-4.1'), 'openai/gpt-4.1-mini': chat('gpt-4.1-mini') } });
      const answer = await model.invoke('Hello');
      expect(answer.content).toBe('Mock answer from gpt-4.1.');
      const receipt = answer.response_metadata.routekit as Receipt;
      expect(receipt).toMatchObject({ winner: 'openai/gpt-4.1', fallback_attempts: 1 });
      expect(receipt.attempts[0]).toMatchObject({ model: 'openai/gpt-4.1-mini', outcome: 'failed', upstream_status: 500 });
      expect(receipt.attempts.at(-1)).toMatchObject({ model: 'openai/gpt-4.1', outcome: 'ok' });
      let text = '';
      for await (const chunk of await model.stream('Hello')) text += chunk.text;
      expect(text).toBe('Mock answer from gpt-4.1.');
    } finally {
      await failing.close();
    }
  });

  it('withStructuredOutput by JSON schema and by function calling', async () => {
    const person = z.object({ name: z.string(), age: z.number() });
    const model = routed();
    expect(await model.withStructuredOutput(person, { method: 'jsonSchema', name: 'person' }).invoke('Ada is 36.')).toEqual({ name: 'Ada', age: 36 });
    expect(chatBodies()[0]?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object' } } });
    expect(await model.withStructuredOutput(person, { name: 'person' }).invoke('Ada is 36.')).toEqual({ name: 'Ada', age: 36 });
    expect(chatBodies()[1]?.tool_choice).toEqual({ type: 'function', function: { name: 'person' } });
  });
});
