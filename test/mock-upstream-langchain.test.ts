import { tool } from '@langchain/core/tools';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';

// LangChain's own OpenAI integration against the mock upstream: structured output (JSON schema and
// function calling) and tool calls, JSON and streamed, parse and validate what the mock answers.
// (jsonMode is left out on purpose: it only asks for "a JSON object" and relies on the prompt to
// describe the shape, which a mock cannot read.)
let upstream: MockUpstream;
let model: ChatOpenAI;
beforeAll(async () => {
  upstream = await startMockUpstream();
  model = new ChatOpenAI({ model: 'gpt-4.1', apiKey: 'sk-test', configuration: { baseURL: upstream.url }, maxRetries: 0 });
});
afterAll(() => upstream.close());

const person = z.object({ name: z.string(), age: z.number().int().min(18), languages: z.array(z.enum(['en', 'fr', 'es'])).min(1), manager: z.string().nullable() });

describe('the mock upstream under LangChain ChatOpenAI', () => {
  it.each(['jsonSchema', 'functionCalling'] as const)('withStructuredOutput(method: %s) returns an object the zod schema accepts', async (method) => {
    const result = await model.withStructuredOutput(person, { method }).invoke('Tell me about Ana.');
    expect(person.safeParse(result).success).toBe(true);
  });

  it('bindTools: the tool call carries arguments valid for the tool schema, invoked and streamed', async () => {
    const weather = tool(async ({ city }) => `sunny in ${city}`, { name: 'get_weather', description: 'The weather in a city', schema: z.object({ city: z.string(), days: z.number().int().min(1).max(7) }) });
    const withTools = model.bindTools([weather]);
    const message = await withTools.invoke('Weather in Paris?');
    expect(message.tool_calls).toHaveLength(1);
    expect(weather.schema.safeParse(message.tool_calls![0]!.args).success).toBe(true);
    let streamed: AIMessageChunk | undefined;
    for await (const chunk of await withTools.stream('Weather in Paris?')) streamed = streamed === undefined ? chunk : streamed.concat(chunk);
    expect(weather.schema.safeParse(streamed?.tool_calls?.[0]?.args).success).toBe(true);
    // The tool runs on those arguments, and after its result the model answers in text.
    const toolMessage = await weather.invoke(message.tool_calls![0]!);
    const answer = await withTools.invoke([{ role: 'user', content: 'Weather in Paris?' }, message, toolMessage]);
    expect(answer.content).toBe('Mock answer from gpt-4.1.');
  });
});
