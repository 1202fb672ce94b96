import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { tool as langchainTool } from '@langchain/core/tools';
import { generateObject, generateText, isStepCount, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// The Vercel AI SDK's default OpenAI model and LangChain's ChatOpenAI with useResponsesApi both speak
// the Responses API; through the gateway they reach routekit's engine and the mock upstream.

const weather = tool({ description: 'Weather of a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 21 }) });

describe.each<Framework>(['express', 'koa'])('the Responses API with the AI SDK and LangChain against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, { providers: mockProviders(mock), defaultModel: 'openai/gpt-4.1' });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  const openai = () => createOpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' });

  it('AI SDK generateText with the default (Responses) model', async () => {
    const since = mock.requests.length;
    const result = await generateText({ model: openai()('auto'), system: 'Be brief.', prompt: 'What is the capital of France?' });
    expect(result.text).toMatch(/^Mock answer from /);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
    // The gateway answered on /v1/responses (its ids say so) and called the provider over chat completions.
    expect(result.response.id).toMatch(/^resp_/);
    expect(mock.requests[since]!.path).toBe('/v1/chat/completions');
    expect((mock.requests[since]!.body as ChatRequest).messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('AI SDK streamText with the default model', async () => {
    const result = streamText({ model: openai()('auto'), prompt: 'Tell me a story.' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toMatch(/^Mock answer from /);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(await result.finishReason).toBe('stop');
  });

  it('AI SDK multi-step tools: the tool call, its result sent back as function_call_output, and the answer', async () => {
    const since = mock.requests.length;
    const result = await generateText({ model: openai()('auto'), tools: { weather }, stopWhen: isStepCount(3), prompt: 'Weather in Paris?' });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather' });
    expect(result.text).toMatch(/^Mock answer from /);
    const second = mock.requests[since + 1]!.body as ChatRequest;
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(JSON.parse(second.messages[2]!.content as string)).toMatchObject({ celsius: 21 });
  });

  it('AI SDK streamText with tools over several steps', async () => {
    const result = streamText({ model: openai()('auto'), tools: { weather }, stopWhen: isStepCount(3), prompt: 'Weather in Paris?' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect((await result.steps)[0]!.toolCalls[0]).toMatchObject({ toolName: 'weather' });
    expect(text).toMatch(/^Mock answer from /);
  });

  it('AI SDK generateObject with a zod schema', async () => {
    const person = z.object({ name: z.string(), age: z.number(), tags: z.array(z.string()) });
    const { object } = await generateObject({ model: openai()('auto'), schema: person, prompt: 'Invent a person.' });
    expect(person.parse(object)).toEqual(object);
  });

  it('LangChain ChatOpenAI with useResponsesApi: invoke, stream and a bound tool', async () => {
    const model = new ChatOpenAI({ model: 'auto', useResponsesApi: true, apiKey: 'unused', configuration: { baseURL: `${gateway.url}/v1` }, maxRetries: 0 });
    const answer = await model.invoke('What is the capital of France?');
    expect(answer.text).toMatch(/^Mock answer from /);
    expect(answer.usage_metadata?.total_tokens).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of await model.stream('Tell me a story.')) streamed += chunk.text;
    expect(streamed).toMatch(/^Mock answer from /);
    const getWeather = langchainTool(async ({ city }: { city: string }) => `21 degrees in ${city}`, { name: 'get_weather', description: 'Weather in a city', schema: z.object({ city: z.string() }) });
    const called = await model.bindTools([getWeather]).invoke('Weather in Paris?');
    expect(called.tool_calls?.[0]).toMatchObject({ name: 'get_weather' });
    expect(called.tool_calls?.[0]?.args).toHaveProperty('city');
  });
});
