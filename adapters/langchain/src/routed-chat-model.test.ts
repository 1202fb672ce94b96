import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { fakeModel } from '@langchain/core/testing';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ChatOpenAI } from '@langchain/openai';
import { ConfigurationError, type ModelInfo, type Receipt } from '@routekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RoutedChatModel } from './index.js';

const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-mini';

/** A tool-less model cheaper than every other, so `auto` picks it unless the request needs tools. */
const tiny: ModelInfo = {
  id: 'local/tiny', provider: 'local', upstreamModel: 'tiny', inputPricePerMillion: 0.01, outputPricePerMillion: 0.01, contextWindow: 8192, maxOutputTokens: 1024,
  capabilities: { tools: false, vision: false, jsonMode: false }, quality: 0.8, typicalTimeToFirstTokenMs: 100, typicalTokensPerSecond: 100,
};

function receiptOf(message: BaseMessage): Receipt {
  return (message.response_metadata as Record<string, unknown>).routekit as Receipt;
}

describe('RoutedChatModel: init', () => {
  it('is a chat model named routekit and routes with `auto` by default', () => {
    const model = new RoutedChatModel({ models: { [weak]: new FakeListChatModel({ responses: ['x'] }) } });
    expect(model._llmType()).toBe('routekit');
    expect(model.model).toBe('auto');
    expect(RoutedChatModel.lc_name()).toBe('RoutedChatModel');
  });

  it('names a misspelled option, a non-model delegate, a model string that cannot route and an unknown id', () => {
    const models = { [weak]: new FakeListChatModel({ responses: ['x'] }) };
    const error = (() => { try { new RoutedChatModel({ models, chache: true } as never); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).key).toBe('chache');
    expect((error as ConfigurationError).message).toMatch(/did you mean cache\?/);
    expect(() => new RoutedChatModel({ models, cache: { similarityTreshold: 0.95 } as never })).toThrow(/cache\.similarityTreshold/);
    expect(() => new RoutedChatModel({ models, rateLimits: { perKey: { requestsPerMinute: 1 } } })).toThrow(/rateLimits\.perKey/);
    expect(() => new RoutedChatModel({ models: { [weak]: { invoke: 1 } as never } })).toThrow(/models\["openai\/gpt-4.1-mini"\]/);
    expect(() => new RoutedChatModel({ models, model: 'router-lr-7' })).toThrow(ConfigurationError);
    expect(() => new RoutedChatModel({ models, model: 'router-nope-0.5' })).toThrow(/unknown router scorer "nope"/);
    expect(() => new RoutedChatModel({ models, model: strong })).toThrow(/not one of `models`/);
    expect(() => new RoutedChatModel({ models: { 'acme/unknown': models[weak] } })).toThrow(/acme\/unknown/);
  });
});

describe('RoutedChatModel: invoke, stream, batch', () => {
  const pair = () => ({ [strong]: new FakeListChatModel({ responses: ['strong answer'] }), [weak]: new FakeListChatModel({ responses: ['weak answer'] }) });

  it('invoke answers with the chosen model, as an AIMessageChunk carrying the receipt', async () => {
    const model = new RoutedChatModel({ models: pair() });
    const answer = await model.invoke('What is the capital of France?');
    expect(AIMessageChunk.isInstance(answer)).toBe(true);
    expect(answer.content).toBe('weak answer');
    expect(answer.response_metadata.model_name).toBe(weak);
    const receipt = receiptOf(answer);
    expect(receipt.winner).toBe(weak);
    expect(receipt.strategy).toBe('auto');
    expect(receipt.candidates.map((candidate) => candidate.model)).toContain(strong);
    expect(await model.engine.receipts.get(receipt.request_id)).toMatchObject({ winner: weak, status: 'ok' });
  });

  it('an explicit model string and a threshold router pick as the core decides', async () => {
    expect((await new RoutedChatModel({ models: pair(), model: strong }).invoke('hi')).content).toBe('strong answer');
    const hard = await new RoutedChatModel({ models: pair(), model: 'router-lr-0' }).invoke('Prove that there are infinitely many primes.');
    expect(hard.response_metadata.model_name).toBe(strong);
  });

  it('stream yields the delegate text piece by piece and ends with usage and the receipt', async () => {
    const model = new RoutedChatModel({ models: pair() });
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream([new SystemMessage('Be brief.'), new HumanMessage('Hello')])) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    const whole = chunks.reduce((sum, chunk) => sum.concat(chunk));
    expect(whole.content).toBe('weak answer');
    expect(whole.response_metadata.model_name).toBe(weak);
    expect(receiptOf(whole)).toMatchObject({ winner: weak, stream: true, status: 'ok' });
    expect(whole.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it('batch answers every input', async () => {
    const model = new RoutedChatModel({ models: { [weak]: new FakeListChatModel({ responses: ['a', 'b', 'c'] }) } });
    const answers = await model.batch(['one', 'two', 'three']);
    expect(answers.map((answer) => answer.content).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(answers.map((answer) => receiptOf(answer).request_id)).size).toBe(3);
  });

  it('hands the delegate the app’s own message objects when nothing changed them', async () => {
    const delegate = fakeModel().respond(new AIMessage('ok'));
    const model = new RoutedChatModel({ models: { [weak]: delegate } });
    const history = [new SystemMessage('sys'), new HumanMessage({ content: 'first', id: 'h1', additional_kwargs: { mine: 1 } }), new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'lookup', args: { q: 'x' } }] }), new ToolMessage({ content: 'found', tool_call_id: 'c1' }), new HumanMessage('and?')];
    await model.invoke(history);
    expect(delegate.calls[0]!.messages).toHaveLength(5);
    delegate.calls[0]!.messages.forEach((message, index) => expect(message).toBe(history[index]));
  });
});

describe('RoutedChatModel: tools and structured output', () => {
  const lookup = tool(async ({ city }: { city: string }) => `Sunny in ${city}`, { name: 'get_weather', description: 'Weather of a city', schema: z.object({ city: z.string() }) });

  it('bindTools routes only among tool-capable models and binds the tools to the chosen one', async () => {
    const toolModel = fakeModel().respondWithTools([{ name: 'get_weather', args: { city: 'Paris' }, id: 'call_1' }]);
    const plain = new FakeListChatModel({ responses: ['no tools here'] });
    const model = new RoutedChatModel({ models: { [weak]: toolModel, 'local/tiny': plain }, catalog: [tiny] });
    expect((await model.invoke('Hello')).response_metadata.model_name).toBe('local/tiny');
    const answer = await model.bindTools([lookup]).invoke('Weather in Paris?');
    expect(answer.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' }, type: 'tool_call' }]);
    const receipt = receiptOf(answer);
    expect(receipt.winner).toBe(weak);
    expect(receipt.candidates.find((candidate) => candidate.model === 'local/tiny')).toMatchObject({ eligible: false, rejected_because: 'no tool support' });
    expect(answer.response_metadata.finish_reason).toBe('tool_calls');
  });

  it('withStructuredOutput by function calling forces the tool and validates with zod', async () => {
    const person = z.object({ name: z.string(), age: z.number() }).describe('A person');
    const delegate = fakeModel()
      .respondWithTools([{ name: 'person', args: { name: 'Ada', age: 36 } }])
      .respondWithTools([{ name: 'person', args: { name: 'Ada', age: 'old' } }])
      .respondWithTools([{ name: 'person', args: { name: 'Bob', age: 7 } }]);
    const model = new RoutedChatModel({ models: { [weak]: delegate } });
    const structured = model.withStructuredOutput(person, { name: 'person' });
    expect(await structured.invoke('Ada is 36.')).toEqual({ name: 'Ada', age: 36 });
    await expect(structured.invoke('Ada is old.')).rejects.toThrow();
    const { raw, parsed } = await model.withStructuredOutput(person, { name: 'person', includeRaw: true }).invoke('Bob is 7.');
    expect(parsed).toEqual({ name: 'Bob', age: 7 });
    expect(receiptOf(raw).winner).toBe(weak);
  });

  it('withStructuredOutput by JSON schema sends response_format, needs JSON-capable models, and parses the text', async () => {
    const delegate = fakeModel().structuredResponse({ name: 'Ada', age: 36 });
    const plain = new FakeListChatModel({ responses: ['not json'] });
    const model = new RoutedChatModel({ models: { [weak]: delegate, 'local/tiny': plain }, catalog: [tiny] });
    const person = z.object({ name: z.string(), age: z.number() });
    const { raw, parsed } = await model.withStructuredOutput(person, { method: 'jsonSchema', name: 'person', includeRaw: true }).invoke('Ada is 36.');
    expect(parsed).toEqual({ name: 'Ada', age: 36 });
    expect(receiptOf(raw).winner).toBe(weak);
    expect(receiptOf(raw).candidates.find((candidate) => candidate.model === 'local/tiny')?.eligible).toBe(false);
  });
});

describe('RoutedChatModel: tracing and serialisation', () => {
  it('reports ls params with provider routekit and the model string; the chosen model is in the output', async () => {
    const model = new RoutedChatModel({ models: { [weak]: new FakeListChatModel({ responses: ['x'] }) }, model: 'router@q:1|c:1' });
    expect(model.getLsParams({} as never)).toEqual({ ls_provider: 'routekit', ls_model_name: 'router@q:1|c:1', ls_model_type: 'chat' });
    const seen: Record<string, unknown>[] = [];
    let tokenUsage: unknown;
    const handler = BaseCallbackHandler.fromMethods({
      handleChatModelStart: (_llm, _messages, _runId, _parent, extra, _tags, metadata) => void seen.push({ ...metadata, ...extra }),
      handleLLMEnd: (output) => void (tokenUsage = output.llmOutput?.tokenUsage),
    });
    const answer = await model.invoke('hi', { callbacks: [handler], stop: ['END'] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ ls_provider: 'routekit', ls_model_name: 'router@q:1|c:1', ls_model_type: 'chat', ls_stop: ['END'] });
    expect(answer.response_metadata.model_name).toBe(weak);
    // FakeListChatModel reports no usage: the receipt's estimate stands in, the same in the message and in llmOutput.
    expect(receiptOf(answer).tokens.estimated).toBe(true);
    expect(answer.usage_metadata?.total_tokens).toBe(receiptOf(answer).tokens.total);
    expect(tokenUsage).toEqual({ promptTokens: answer.usage_metadata?.input_tokens, completionTokens: answer.usage_metadata?.output_tokens, totalTokens: answer.usage_metadata?.total_tokens });
  });

  it('serialises to a constructor record without secrets', () => {
    const openai = new ChatOpenAI({ model: 'gpt-4.1-mini', apiKey: 'sk-very-secret-key' });
    const model = new RoutedChatModel({ models: { [weak]: openai }, model: 'auto', pii: true, spendLimits: { global: { limits: { daily_usd: 5 }, alerts: { threshold_percent: 80, webhook_url: 'https://hooks.example/secret-token' } } } });
    const json = JSON.parse(JSON.stringify(model)) as { lc: number; type: string; id: string[]; kwargs: Record<string, unknown> };
    expect(json).toMatchObject({ lc: 1, type: 'constructor', id: ['routekit', 'chat_models', 'RoutedChatModel'] });
    expect(json.kwargs).toMatchObject({ model: 'auto', pii: true, spend_limits: true });
    const text = JSON.stringify(json);
    expect(text).not.toContain('sk-very-secret-key');
    expect(text).not.toContain('secret-token');
    expect(text).toContain('OPENAI_API_KEY');
  });
});
