import { AsyncLocalStorage } from 'node:async_hooks';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { fakeModel } from '@langchain/core/testing';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { BudgetExceededError, type Receipt } from '@routekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RoutedChatModel } from './index.js';

const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-mini';
const email = 'jane.doe@example.com';

function receiptOf(message: BaseMessage): Receipt {
  return (message.response_metadata as Record<string, unknown>).routekit as Receipt;
}

function statusError(status: number): Error {
  return Object.assign(new Error(`${status} upstream trouble`), { status });
}

/** A delegate that echoes the last message it was given, so a test sees what reached it. */
function echo() {
  const model = fakeModel();
  for (let index = 0; index < 4; index += 1) model.respond((messages: BaseMessage[]) => new AIMessage(`You said: ${messages.at(-1)!.text}`));
  return model;
}

async function streamAll(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk> {
  let whole: AIMessageChunk | undefined;
  for await (const chunk of stream) whole = whole === undefined ? chunk : whole.concat(chunk);
  return whole!;
}

describe('RoutedChatModel: PII', () => {
  it('redacts before the delegate sees the prompt and restores the answer the app gets (invoke and stream)', async () => {
    const delegate = echo();
    const model = new RoutedChatModel({ models: { [weak]: delegate }, pii: true });
    const answer = await model.invoke(`Email me at ${email} please`);
    const seen = delegate.calls[0]!.messages.at(-1)!.text;
    expect(seen).not.toContain(email);
    expect(seen).toMatch(/<EMAIL_1\w*>/);
    expect(answer.content).toBe(`You said: Email me at ${email} please`);
    const streamed = await streamAll(await model.stream(`Write to ${email}`));
    expect(delegate.calls[1]!.messages.at(-1)!.text).not.toContain(email);
    expect(streamed.content).toBe(`You said: Write to ${email}`);
  });
});

describe('RoutedChatModel: cache', () => {
  it('a hit never calls the delegate; cache: false per call skips it', async () => {
    const delegate = echo();
    const model = new RoutedChatModel({ models: { [weak]: delegate }, cache: true });
    const first = await model.invoke('What is the capital of France?');
    const second = await model.invoke('What is the capital of France?');
    expect(delegate.callCount).toBe(1);
    expect(second.content).toBe(first.content);
    expect(receiptOf(second).cache?.status).toBe('hit');
    const streamed = await streamAll(await model.stream('What is the capital of France?'));
    expect(delegate.callCount).toBe(1);
    expect(streamed.content).toBe(first.content);
    await model.invoke('What is the capital of France?', { cache: false });
    expect(delegate.callCount).toBe(2);
  });
});

describe('RoutedChatModel: spend limits', () => {
  it('a spend limit stops the call before any delegate runs', async () => {
    const delegate = echo();
    const receipts: Receipt[] = [];
    const model = new RoutedChatModel({
      models: { [weak]: delegate },
      spendLimits: { perTenant: { limits: { daily_usd: 0.000001 } } },
      receipts: { put: async (receipt) => void receipts.push(receipt), get: async () => undefined },
    });
    await expect(model.invoke('Hello there', { tenant: 'acme' })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(delegate.callCount).toBe(0);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ tenant: 'acme', status: 'error', error: { code: 'budget_exceeded' } });
  });
});

describe('RoutedChatModel: fallback', () => {
  it('goes to the next candidate when the first fails before its first token (invoke and stream)', async () => {
    const failing = fakeModel().alwaysThrow(statusError(503));
    const backup = new FakeListChatModel({ responses: ['backup answer', 'backup answer'] });
    const model = new RoutedChatModel({ models: { [weak]: failing, [strong]: backup } });
    const answer = await model.invoke('Hello');
    expect(answer.content).toBe('backup answer');
    expect(receiptOf(answer)).toMatchObject({ winner: strong, fallback_attempts: 1 });
    expect(receiptOf(answer).attempts[0]).toMatchObject({ model: weak, outcome: 'failed', error_code: 'provider_server_error', upstream_status: 503 });
    const streamed = await streamAll(await model.stream('Hello'));
    expect(streamed.content).toBe('backup answer');
    expect(receiptOf(streamed).winner).toBe(strong);
  });

  it('does not retry an error that is not the provider’s (a bug in the delegate) and keeps it as it was', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const backup = new FakeListChatModel({ responses: ['unused'] });
    const model = new RoutedChatModel({ models: { [weak]: fakeModel().alwaysThrow(bug), [strong]: backup } });
    await expect(model.invoke('Hello')).rejects.toBe(bug);
  });
});

describe('RoutedChatModel: abort', () => {
  it('an aborted signal stops the stream and the call, and the receipt says so', async () => {
    const slow = new FakeListChatModel({ responses: ['a slow and long answer'], sleep: 20 });
    const receipts: Receipt[] = [];
    const model = new RoutedChatModel({ models: { [weak]: slow }, receipts: { put: async (receipt) => void receipts.push(receipt), get: async () => undefined } });
    const controller = new AbortController();
    const stream = await model.stream('Hello', { signal: controller.signal });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) {
          received.push(chunk.text);
          if (received.length === 2) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(received.length).toBeLessThan(5);
    expect(receipts[0]?.status).toBe('aborted');
    const already = new AbortController();
    already.abort();
    await expect(model.invoke('Hello', { signal: already.signal })).rejects.toThrow();
  });
});

describe('RoutedChatModel: callbacks', () => {
  beforeAll(() => {
    // What LangGraph and langchain's agents do: a real AsyncLocalStorage, so a nested model call would inherit the chain's callbacks.
    AsyncLocalStorageProviderSingleton.initializeGlobalInstance(new AsyncLocalStorage());
  });

  it('reports each token once, from one chat model run, inside a chain and inside a graph-style node', async () => {
    const model = new RoutedChatModel({ models: { [weak]: new FakeListChatModel({ responses: ['weak answer', 'weak answer'] }) } });
    const tokens: string[] = [];
    let modelRuns = 0;
    const handler = BaseCallbackHandler.fromMethods({
      handleLLMNewToken: (token) => void tokens.push(token),
      handleChatModelStart: () => void (modelRuns += 1),
    });
    const chain = ChatPromptTemplate.fromMessages([['human', '{question}']]).pipe(model);
    const streamed = await streamAll(await chain.stream({ question: 'Hello' }, { callbacks: [handler] }));
    expect(streamed.content).toBe('weak answer');
    expect(modelRuns).toBe(1);
    // FakeListChatModel streams one character per chunk; the last token is the empty closing chunk with usage and the receipt.
    expect(tokens).toEqual([...'weak answer', '']);

    // A LangGraph node invokes the model with no config, so the model and (unless kept out) its delegate both inherit the
    // node's callbacks through AsyncLocalStorage; a handler that prefers streaming (LangGraph's "messages" stream mode) turns
    // invoke into a stream, and would then get every token twice.
    tokens.length = 0;
    modelRuns = 0;
    class StreamingHandler extends BaseCallbackHandler {
      name = 'streaming-handler';
      lc_prefer_streaming = true;
      override handleLLMNewToken(token: string): void {
        tokens.push(token);
      }
      override handleChatModelStart(): void {
        modelRuns += 1;
      }
    }
    const node = RunnableLambda.from(async (question: string) => model.invoke(question));
    const answer = await node.invoke('Hello', { callbacks: [new StreamingHandler()] });
    expect(answer.content).toBe('weak answer');
    expect(modelRuns).toBe(1);
    expect(tokens).toEqual([...'weak answer', '']);
  });
});
