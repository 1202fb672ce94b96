import { createAnthropic } from '@ai-sdk/anthropic';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { tool as langchainTool } from '@langchain/core/tools';
import { generateObject, generateText, isStepCount, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// The AI SDK's Anthropic provider and LangChain's ChatAnthropic, pointed at the gateway's
// /v1/messages as a user would point them at Anthropic, with the mock upstream behind it.

const person = z.object({ name: z.string(), age: z.number().int().min(0) });
type UpstreamBody = { messages: { role: string; content: unknown }[]; tools?: unknown[] };

describe.each<Framework>(['express', 'koa'])('Anthropic clients of other frameworks against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  const upstream = () => mock.requests.at(-1)!;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      resilience: { attempts: { retries: 0 } },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  describe('@ai-sdk/anthropic with createAnthropic({ baseURL })', () => {
    const provider = () => createAnthropic({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' });
    const weather = tool({ description: 'Weather of a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 21 }) });

    it('generateText: the answer from the routed model, with usage', async () => {
      const result = await generateText({ model: provider()('anthropic/claude-sonnet-4-5'), system: 'Be brief.', prompt: 'What is the capital of France?' });
      expect(result.text).toBe('Mock answer from claude-sonnet-4-5.');
      expect(result.response.modelId).toBe('anthropic/claude-sonnet-4-5');
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.finishReason).toBe('stop');
      expect(upstream().path).toBe('/v1/messages');
    });

    it('streamText: the text streamed over Anthropic events', async () => {
      const result = streamText({ model: provider()('auto'), prompt: 'Tell me a story.' });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toMatch(/^Mock answer from \S+\.$/);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
      expect(await result.finishReason).toBe('stop');
    });

    it('runs a multi-step tool loop: tool call, tool result, answer', async () => {
      const result = await generateText({ model: provider()('anthropic/claude-sonnet-4-5'), tools: { weather }, stopWhen: isStepCount(3), prompt: 'Weather in Paris?' });
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather' });
      expect(result.steps[0]!.toolResults[0]!.output).toMatchObject({ celsius: 21 });
      expect(result.text).toBe('Mock answer from claude-sonnet-4-5.');
      const sent = upstream().body as UpstreamBody;
      expect(sent.messages.at(-1)!.content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: result.steps[0]!.toolCalls[0]!.toolCallId })]);
    });

    it('streams a tool loop with an OpenAI model chosen by auto', async () => {
      const result = streamText({ model: provider()('auto'), tools: { weather }, stopWhen: isStepCount(3), prompt: 'Weather in Paris?' });
      await result.consumeStream();
      const steps = await result.steps;
      expect(steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: expect.any(String) } });
      expect(await result.text).toMatch(/^Mock answer from \S+\.$/);
    });

    it.each(['anthropic/claude-sonnet-4-5', 'auto'])('generateObject through %s returns an object the schema accepts', async (model) => {
      const { object } = await generateObject({ model: provider()(model), schema: person, prompt: 'Tell me about Ada.' });
      expect(person.safeParse(object).success).toBe(true);
    });
  });

  describe('LangChain ChatAnthropic with its base URL at the gateway', () => {
    const chat = (model = 'anthropic/claude-sonnet-4-5') => new ChatAnthropic({ model, apiKey: 'unused', anthropicApiUrl: gateway.url, maxRetries: 0, maxTokens: 500 });
    const weather = langchainTool(async ({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'The weather in a city', schema: z.object({ city: z.string() }) });

    it('invoke: the answer, the routed model and usage, with the receipt in the response metadata', async () => {
      const message = await chat().invoke([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }]);
      expect(message.content).toBe('Mock answer from claude-sonnet-4-5.');
      expect(message.response_metadata.model).toBe('anthropic/claude-sonnet-4-5');
      expect(message.usage_metadata!.input_tokens).toBeGreaterThan(0);
      expect((message.response_metadata as { 'x-routekit'?: Receipt })['x-routekit']?.winner).toBe('anthropic/claude-sonnet-4-5');
    });

    it('stream: the chunks join to the answer', async () => {
      let text = '';
      for await (const chunk of await chat('auto').stream('Tell me a story.')) text += typeof chunk.content === 'string' ? chunk.content : '';
      expect(text).toMatch(/^Mock answer from \S+\.$/);
    });

    it('bindTools: a tool call, invoked and streamed, then the answer after its result', async () => {
      const withTools = chat().bindTools([weather]);
      const message = await withTools.invoke('Weather in Paris?');
      expect(message.tool_calls).toHaveLength(1);
      expect(weather.schema.safeParse(message.tool_calls![0]!.args).success).toBe(true);
      let streamed: AIMessageChunk | undefined;
      for await (const chunk of await withTools.stream('Weather in Paris?')) streamed = streamed === undefined ? chunk : streamed.concat(chunk);
      expect(weather.schema.safeParse(streamed?.tool_calls?.[0]?.args).success).toBe(true);
      const toolMessage = await weather.invoke(message.tool_calls![0]!);
      const answer = await withTools.invoke([{ role: 'user', content: 'Weather in Paris?' }, message, toolMessage]);
      expect(answer.content).toBe('Mock answer from claude-sonnet-4-5.');
    });

    it.each(['anthropic/claude-sonnet-4-5', 'auto'])('withStructuredOutput through %s returns an object the schema accepts', async (model) => {
      const result = await chat(model).withStructuredOutput(person).invoke('Tell me about Ada.');
      expect(person.safeParse(result).success).toBe(true);
    });
  });
});
