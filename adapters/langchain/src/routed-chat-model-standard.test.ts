import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import { StructuredTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { BudgetExceededError, ConfigurationError, type ChatRequest, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RoutedChatModel, type RoutedChatModelOptions } from './index.js';

/**
 * What LangChain's standard chat-model suites (ChatModelUnitTests, ChatModelIntegrationTests) check,
 * on RoutedChatModel over real ChatOpenAI delegates and the mock upstream: the standard constructor
 * fields, LangSmith's standard params, and that the fields reach whichever model is chosen.
 */
let mock: MockUpstream;
const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-mini';
/** The fields ChatModelUnitTests adds to every constructor call. */
const standardParams = { temperature: 0, maxTokens: 100, timeout: 60, stopSequences: [], maxRetries: 2 };

function reply(request: ChatRequest) {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') return `The weather is ${String(last.content)}.`;
  const tools = request.tools ?? [];
  if (tools.length > 0) return { tool_calls: [{ name: tools[0]!.function.name, arguments: '{"city":"Paris","name":"Ada"}' }] };
  return `Mock answer from ${request.model}.`;
}

function chat(model: string, url = mock.url, fields: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({ model, apiKey: 'test', configuration: { baseURL: url }, maxRetries: 0, ...fields });
}

function routed(options: Partial<RoutedChatModelOptions> = {}): RoutedChatModel {
  return new RoutedChatModel({ models: { [strong]: chat('gpt-4.1'), [weak]: chat('gpt-4.1-mini') }, ...options });
}

function chatBodies(upstream = mock): ChatRequest[] {
  return upstream.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);
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

class PersonTool extends StructuredTool {
  name = 'PersonTool';
  description = 'A person';
  schema = z.object({ name: z.string().describe('Name of the person') });
  async _call(input: { name: string }): Promise<string> {
    return JSON.stringify(input);
  }
}

describe('RoutedChatModel: LangChain standard unit checks', () => {
  it('constructs with the standard params, with apiKey and with streaming', () => {
    const models = { [weak]: chat('gpt-4.1-mini') };
    expect(new RoutedChatModel({ models, ...standardParams })).toBeDefined();
    expect(new RoutedChatModel({ models, ...standardParams, apiKey: 'test' })).toBeDefined();
    expect(new RoutedChatModel({ models, ...standardParams, streaming: true }).streaming).toBe(true);
  });

  it('binds tools and builds structured output with the standard params', () => {
    const model = new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini') }, ...standardParams });
    expect(model.bindTools([new PersonTool()])).toBeDefined();
    expect(model.withStructuredOutput(z.object({ name: z.string() }).describe('A person'))).toBeDefined();
  });

  it('reports exactly the standard LangSmith params, typed as LangChain expects', () => {
    const model = new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini') }, ...standardParams, stopSequences: ['END'] });
    const params = model.getLsParams({} as never);
    expect(Object.keys(params).sort()).toEqual(['ls_max_tokens', 'ls_model_name', 'ls_model_type', 'ls_provider', 'ls_stop', 'ls_temperature']);
    expect(params).toEqual({ ls_provider: 'routekit', ls_model_name: 'auto', ls_model_type: 'chat', ls_temperature: 0, ls_max_tokens: 100, ls_stop: ['END'] });
    expect(model.getLsParams({ stop: ['STOP'] } as never).ls_stop).toEqual(['STOP']);
    // Unset fields are reported as undefined, as ChatOpenAI reports them.
    const bare = new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini') } }).getLsParams({} as never);
    expect(Object.keys(bare).sort()).toEqual(['ls_max_tokens', 'ls_model_name', 'ls_model_type', 'ls_provider', 'ls_stop', 'ls_temperature']);
    expect(bare.ls_temperature).toBeUndefined();
  });

  it('refuses a standard field of the wrong type or range, naming it', () => {
    const models = { [weak]: chat('gpt-4.1-mini') };
    const refusal = (options: Record<string, unknown>) => { try { new RoutedChatModel({ models, ...options }); } catch (error) { return error as ConfigurationError; } return undefined; };
    expect(refusal({ temperature: 3 })).toMatchObject({ key: 'temperature', message: expect.stringMatching(/temperature must be a number from 0 to 2/) });
    expect(refusal({ maxTokens: 1.5 })?.key).toBe('maxTokens');
    expect(refusal({ topP: '1' })?.key).toBe('topP');
    expect(refusal({ stop: 'END' })?.key).toBe('stop');
    expect(refusal({ streaming: 'yes' })?.key).toBe('streaming');
    expect(refusal({ timeout: 100, resilience: { attempts: { attemptTimeoutMs: 100 } } })?.key).toBe('timeout');
    expect(refusal({ temprature: 0 })?.message).toMatch(/temprature is not an option; did you mean temperature\?/);
  });

  it('serialises the standard fields but never the apiKey', () => {
    const json = JSON.stringify(new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini') }, ...standardParams, apiKey: 'sk-unused-secret' }));
    expect(json).not.toContain('sk-unused-secret');
    expect(JSON.parse(json).kwargs).toMatchObject({ temperature: 0, max_tokens: 100, max_retries: 2 });
  });
});

describe('RoutedChatModel: standard fields reach the chosen model over HTTP', () => {
  it('sends temperature, max tokens, top_p, penalties and stop to whichever model is chosen', async () => {
    const model = routed({ temperature: 0.2, maxTokens: 50, topP: 0.9, frequencyPenalty: 0.5, presencePenalty: 0.25, stopSequences: ['END'] });
    await model.invoke('What is the capital of France?');
    await model.invoke('Prove that there are infinitely many primes.', { stop: ['QED'] });
    const hard = new RoutedChatModel({ models: { [strong]: chat('gpt-4.1'), [weak]: chat('gpt-4.1-mini') }, model: 'router-lr-0', temperature: 0.2, maxTokens: 50 });
    await hard.invoke('Prove that there are infinitely many primes.');
    const [first, second, third] = chatBodies();
    expect(first).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.2, top_p: 0.9, frequency_penalty: 0.5, presence_penalty: 0.25, stop: ['END'] });
    expect(first!.max_tokens ?? first!.max_completion_tokens).toBe(50);
    expect(second!.stop).toEqual(['QED']);
    expect(third).toMatchObject({ model: 'gpt-4.1', temperature: 0.2 });
    expect(third!.max_tokens ?? third!.max_completion_tokens).toBe(50);
  });

  it('leaves a delegate’s own settings alone when the routed model sets none', async () => {
    const model = new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini', mock.url, { temperature: 0.7 }) } });
    await model.invoke('Hi');
    expect(chatBodies()[0]).toMatchObject({ temperature: 0.7 });
    expect(chatBodies()[0]).not.toHaveProperty('top_p');
  });

  it('applies the spend limit’s output cap to the LangChain delegate, so the reservation is a true worst case', async () => {
    const model = routed({ spendLimits: { global: { limits: { daily_usd: 5 } } } });
    await model.invoke('Hi');
    const body = chatBodies()[0]!;
    expect(body.max_tokens ?? body.max_completion_tokens).toBeGreaterThan(0);
  });

  it('streaming: true streams an invoke from the chosen model, so callbacks get each token', async () => {
    const tokens: string[] = [];
    const handler = BaseCallbackHandler.fromMethods({ handleLLMNewToken: (token) => void tokens.push(token) });
    const answer = await routed({ streaming: true }).invoke('Hi', { callbacks: [handler] });
    expect(answer.content).toBe('Mock answer from gpt-4.1-mini.');
    expect(chatBodies()[0]?.stream).toBe(true);
    expect(tokens.join('')).toBe('Mock answer from gpt-4.1-mini.');
    expect(answer.usage_metadata?.total_tokens).toBeGreaterThan(0);
    expect((answer.response_metadata.routekit as Receipt).stream).toBe(true);
  });

  it('timeout bounds each model’s answer: a model that does not answer in time hands the call to the next candidate', async () => {
    const slow = await startMockUpstream({ timeToFirstTokenMs: 30_000 });
    try {
      const model = new RoutedChatModel({ models: { [weak]: chat('gpt-4.1-mini', slow.url), [strong]: chat('gpt-4.1') }, timeout: 300, maxRetries: 0 });
      const answer = await model.invoke('Hi');
      expect(answer.content).toBe('Mock answer from gpt-4.1.');
      const receipt = answer.response_metadata.routekit as Receipt;
      expect(receipt.attempts[0]).toMatchObject({ model: weak, outcome: 'failed' });
      expect(receipt.winner).toBe(strong);
    } finally {
      await slow.close();
    }
  });

  it('maxRetries is how often a failing model is tried again before the call fails or moves on', async () => {
    const failing = await startMockUpstream({ failures: { 'gpt-4.1': { type: 'status', status: 500 } } });
    try {
      for (const maxRetries of [0, 1]) {
        failing.reset();
        const model = new RoutedChatModel({ models: { [strong]: chat('gpt-4.1', failing.url) }, model: strong, maxRetries, resilience: { attempts: { backoffBaseMs: 0, backoffMaxMs: 0 } } });
        await expect(model.invoke('Hi')).rejects.toThrow();
        expect(chatBodies(failing)).toHaveLength(1 + maxRetries);
      }
    } finally {
      await failing.close();
    }
  });
});

describe('RoutedChatModel: LangChain standard integration checks over the mock upstream', () => {
  it('invoke and stream report the model and real usage in response_metadata and usage_metadata', async () => {
    const model = routed();
    const answer = await model.invoke('Hi');
    expect(AIMessageChunk.isInstance(answer)).toBe(true);
    expect(answer.response_metadata).toMatchObject({ model_name: weak, model: weak });
    expect(answer.usage_metadata).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(answer.usage_metadata!.total_tokens).toBe(answer.usage_metadata!.input_tokens + answer.usage_metadata!.output_tokens);
    let whole: AIMessageChunk | undefined;
    let withUsage = 0;
    for await (const chunk of await model.stream('Hi')) {
      if (chunk.usage_metadata !== undefined && chunk.usage_metadata.total_tokens > 0) withUsage += 1;
      whole = whole === undefined ? chunk : whole.concat(chunk);
    }
    expect(withUsage).toBe(1);
    expect(whole!.response_metadata).toMatchObject({ model_name: weak, model: weak });
    expect(whole!.usage_metadata!.output_tokens).toBeGreaterThan(0);
    expect((whole!.response_metadata.routekit as Receipt).tokens.estimated).toBe(false);
  });

  it('batch answers each input and a conversation goes to the model whole', async () => {
    const answers = await routed().batch(['one', 'two']);
    expect(answers.map((answer) => answer.content)).toEqual(['Mock answer from gpt-4.1-mini.', 'Mock answer from gpt-4.1-mini.']);
    mock.reset();
    await routed().invoke([new HumanMessage('hello'), new AIMessage('hi, how can I help?'), new HumanMessage('how are you?')]);
    expect(chatBodies()[0]!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('tool calling with a tool message in the history', async () => {
    const model = routed().bindTools([new PersonTool()]);
    const call = await model.invoke('Who is it?');
    expect(call.tool_calls).toMatchObject([{ name: 'PersonTool', args: { name: 'Ada' } }]);
    const answer = await model.invoke([new HumanMessage('Who is it?'), call, new ToolMessage({ content: 'sunny', tool_call_id: call.tool_calls![0]!.id! })]);
    expect(answer.content).toBe('The weather is sunny.');
    expect(chatBodies()[1]!.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('structured output with the standard params set', async () => {
    const person = z.object({ name: z.string() }).describe('A person');
    expect(await routed({ temperature: 0, maxTokens: 100 }).withStructuredOutput(person, { name: 'person' }).invoke('Ada')).toEqual({ name: 'Ada' });
  });

  it('an aborted call rejects', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(routed().invoke('Hi', { signal: controller.signal })).rejects.toThrow();
  });
});

describe('RoutedChatModel: errors name the adapter', () => {
  it('an unknown model string names the adapter, the option and the models it may be', () => {
    const error = (() => { try { routed({ model: 'openai/gpt-5-nope' }); } catch (caught) { return caught as ConfigurationError; } return undefined; })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.key).toBe('model');
    expect(error!.message).toBe('RoutedChatModel: model "openai/gpt-5-nope" is not one of `models` (openai/gpt-4.1, openai/gpt-4.1-mini); use one of those ids or a router string such as "auto", "router-lr-0.3" or "router@q:1|c:0.5".');
    expect(() => new RoutedChatModel({ models: {} })).toThrow('RoutedChatModel: `models` must name at least one model');
  });

  it('a spend limit speaks of this app and shows its amount', async () => {
    const error = await routed({ spendLimits: { global: { limits: { daily_usd: 0.00001 } } } }).invoke('Hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toMatch(/^Spend limit daily_usd of \$0\.00001 for this app would be exceeded by openai\/gpt-4\.1(-mini)?: \$0 spent, this call needs at least \$0\.\d+\.$/);
  });
});

describe('RoutedChatModel: tools in the other forms LangChain accepts', () => {
  it('binds OpenAI-formatted tools and runnables turned into tools', async () => {
    const openaiTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
    const answer = await routed().bindTools([openaiTool]).invoke('Weather in Paris?');
    expect(answer.tool_calls).toMatchObject([{ name: 'get_weather', args: { city: 'Paris' } }]);
    const asTool = RunnableLambda.from(async (input: { city: string }) => `sunny in ${input.city}`).asTool({ name: 'city_weather', description: 'Weather of a city', schema: z.object({ city: z.string() }) });
    const again = await routed().bindTools([asTool]).invoke('Weather in Paris?');
    expect(again.tool_calls).toMatchObject([{ name: 'city_weather', args: { city: 'Paris' } }]);
  });
});
