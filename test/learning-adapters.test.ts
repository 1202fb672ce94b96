import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { OpenAI as LlamaIndexOpenAI } from '@llamaindex/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOutcomeStore, type FeedbackInput, type FeedbackResult, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createRoutekit } from '@routekit/ai-sdk';
import { RoutedChatModel } from '@routekit/langchain';
import { RoutedLLM } from '@routekit/llamaindex';
import { createRoutedClient } from '@routekit/openai';

// Feedback from every in-process adapter, each with its framework's real client against the mock
// upstream: the receipt id each framework hands the app is the one feedback takes, the score is
// stored with the router's features, a repeat replaces it, and bad input is refused in the adapter's style.
let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock?.close());

interface Adapter {
  /** Makes one routed call and returns the receipt the framework handed back. */
  call(prompt: string): Promise<Receipt>;
  feedback(input: FeedbackInput): Promise<FeedbackResult>;
  outcomes: MemoryOutcomeStore;
}

const adapters: Array<[string, () => Adapter]> = [
  ['createRoutedClient (openai)', () => {
    const outcomes = new MemoryOutcomeStore();
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0 });
    const routed = createRoutedClient({ models: { 'openai/gpt-4.1': client, 'openai/gpt-4.1-nano': client }, learning: { outcomes } });
    return {
      outcomes,
      call: async (prompt) => (await routed.chat.completions.create({ model: 'router-default-0.5', messages: [{ role: 'user', content: prompt }] }))['x-routekit'],
      feedback: (input) => routed.feedback(input),
    };
  }],
  ['createRoutekit (AI SDK)', () => {
    const outcomes = new MemoryOutcomeStore();
    const openai = createOpenAI({ apiKey: 'sk-test', baseURL: mock.url });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-nano': openai.chat('gpt-4.1-nano') }, learning: { outcomes } });
    return {
      outcomes,
      call: async (prompt) => ((await generateText({ model: routekit('router-default-0.5'), prompt })).providerMetadata as unknown as { routekit: Receipt }).routekit,
      feedback: (input) => routekit.feedback(input),
    };
  }],
  ['RoutedChatModel (LangChain)', () => {
    const outcomes = new MemoryOutcomeStore();
    const chat = (model: string) => new ChatOpenAI({ model, apiKey: 'sk-test', configuration: { baseURL: mock.url }, maxRetries: 0 });
    const llm = new RoutedChatModel({ models: { 'openai/gpt-4.1': chat('gpt-4.1'), 'openai/gpt-4.1-nano': chat('gpt-4.1-nano') }, model: 'router-default-0.5', learning: { outcomes } });
    return {
      outcomes,
      call: async (prompt) => (await llm.invoke(prompt)).response_metadata.routekit as Receipt,
      feedback: (input) => llm.feedback(input),
    };
  }],
  ['RoutedLLM (LlamaIndex)', () => {
    const outcomes = new MemoryOutcomeStore();
    const openai = (model: string) => new LlamaIndexOpenAI({ model, apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0 });
    const llm = new RoutedLLM({ llms: { 'openai/gpt-4.1': openai('gpt-4.1'), 'openai/gpt-4.1-nano': openai('gpt-4.1-nano') }, model: 'router-default-0.5', tenant: 'acme', learning: { outcomes } });
    return {
      outcomes,
      call: async (prompt) => ((await llm.chat({ messages: [{ role: 'user', content: prompt }] })).raw as { routekit: Receipt }).routekit,
      feedback: (input) => llm.feedback(input),
    };
  }],
];

describe.each(adapters)('feedback through %s', (_name, make) => {
  it('stores the score for the receipt the framework returned, replaces a repeat, and refuses bad input with 4xx', async () => {
    const adapter = make();
    const receipt = await adapter.call('Prove that there are infinitely many primes.');
    expect(receipt.router_version).toBe('shipped');
    expect(await adapter.feedback({ request_id: receipt.request_id, thumbs: 'down' })).toEqual({ object: 'feedback', request_id: receipt.request_id, model: receipt.winner, score: 0, replaced: false });
    expect((await adapter.feedback({ request_id: receipt.request_id, score: 0.9 })).replaced).toBe(true);
    const [stored] = await adapter.outcomes.scored();
    expect(stored).toMatchObject({ request_id: receipt.request_id, scores: { [receipt.winner!]: 0.9 }, router_version: 'shipped' });
    expect(stored!.features).not.toBeNull();
    for (const [input, status] of [[{ request_id: receipt.request_id, score: -0.1 }, 400], [{ request_id: 'req-unknown', score: 1 }, 404], [{ request_id: receipt.request_id, thumbs: 'sideways' as 'up' }, 400]] as const) {
      const error = await adapter.feedback(input).then(() => undefined, (caught: unknown) => caught);
      expect(error, JSON.stringify(input)).toBeInstanceOf(Error);
      expect((error as { status?: number }).status).toBe(status);
    }
  });
});

describe('feedback is scoped to the tenant that made the request', () => {
  it('createRoutedClient: another tenant gets openai\'s NotFoundError for the same id', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0 });
    const routed = createRoutedClient({ models: { 'openai/gpt-4.1': client, 'openai/gpt-4.1-nano': client }, tenant: 'acme', learning: true });
    const receipt = (await routed.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello' }] }))['x-routekit'];
    await expect(routed.feedback({ request_id: receipt.request_id, score: 1 }, { tenant: 'globex' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(routed.feedback({ request_id: receipt.request_id, score: 2 })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(await routed.feedback({ request_id: receipt.request_id, score: 1 })).toMatchObject({ score: 1 });
  });
});
