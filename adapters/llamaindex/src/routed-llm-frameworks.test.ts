import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { OpenAI } from '@llamaindex/openai';
import { agent } from '@llamaindex/workflow';
import { BaseRetriever, ContextChatEngine, Settings, SimpleChatEngine, TextNode, tool, type NodeWithScore, type QueryBundle } from 'llamaindex';
import { z } from 'zod';
import { RoutedLLM } from './index.js';

let mock: MockUpstream;

function reply(request: ChatRequest) {
  const last = request.messages.at(-1)!;
  if (last.role === 'tool') return `The weather tool says: ${String(last.content)}`;
  if ((request.tools?.length ?? 0) > 0) return { tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
  const system = request.messages.find((message) => message.role === 'system');
  return `Answer from ${request.model}${system !== undefined && String(system.content).includes('Lyon') ? ' with context' : ''}.`;
}

beforeAll(async () => {
  mock = await startMockUpstream({ reply });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const openai = (model: string) => new OpenAI({ model, apiKey: 'test', baseURL: mock.url, maxRetries: 0 });
const routedLLM = () => new RoutedLLM({ llms: { 'openai/gpt-4.1': openai('gpt-4.1'), 'openai/gpt-4.1-mini': openai('gpt-4.1-mini') }, model: 'auto' });
const sentModels = () => mock.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => (request.body as ChatRequest).model);

/** A retriever with one fixed node: ContextChatEngine without an embedding model. */
class FixedRetriever extends BaseRetriever {
  constructor() {
    super();
  }

  async _retrieve(_query: QueryBundle): Promise<NodeWithScore[]> {
    return [{ node: new TextNode({ text: 'Lyon is famous for its food.' }), score: 1 }];
  }
}

describe('RoutedLLM as Settings.llm', () => {
  it('drives a SimpleChatEngine, streaming and not, with the history sent along', async () => {
    Settings.llm = routedLLM();
    const engine = new SimpleChatEngine();
    const first = await engine.chat({ message: 'Hello!' });
    expect(first.message.content).toBe('Answer from gpt-4.1-mini.');
    expect((first.raw as { routekit: Receipt }).routekit.winner).toBe('openai/gpt-4.1-mini');
    let streamed = '';
    for await (const chunk of await engine.chat({ message: 'And again?', stream: true })) streamed += chunk.delta;
    expect(streamed).toBe('Answer from gpt-4.1-mini.');
    const second = mock.requests.at(-1)!.body as ChatRequest;
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('drives a ContextChatEngine: the retrieved context reaches the chosen model', async () => {
    Settings.llm = routedLLM();
    const engine = new ContextChatEngine({ retriever: new FixedRetriever() });
    const response = await engine.chat({ message: 'What is Lyon known for?' });
    expect(response.message.content).toBe('Answer from gpt-4.1-mini with context.');
    expect(response.sourceNodes).toHaveLength(1);
  });

  it('drives a tool-using agent() from @llamaindex/workflow: tool call, tool run, final answer', async () => {
    Settings.llm = routedLLM();
    const cities: string[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'The current weather in a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        cities.push(city);
        return `Sunny, 24 degrees in ${city}`;
      },
    });
    const weatherAgent = agent({ tools: [getWeather] });
    const result = await weatherAgent.run('What is the weather in Paris?');
    expect(cities).toEqual(['Paris']);
    expect(result.data.result).toBe('The weather tool says: Sunny, 24 degrees in Paris');
    expect(sentModels()).toHaveLength(2);
    const followUp = mock.requests.at(-1)!.body as ChatRequest;
    expect(followUp.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: expect.stringMatching(/^call_/), content: 'Sunny, 24 degrees in Paris' });
  });
});
