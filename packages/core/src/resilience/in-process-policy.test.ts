import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import { createInProcessEngine } from '../pipeline/create-in-process-engine.js';
import { DeadlineExceededError } from './deadline.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
const reply = { id: 'x', object: 'chat.completion' as const, created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant' as const, content: 'hello' }, finish_reason: 'stop' as const }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
const chunk = (content: string): ChatChunk => ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

// In-process delegates (a framework's own model objects) may ignore the abort signal; the policy must hold anyway.
describe('the attempt policy for in-process adapters', () => {
  it('times out a delegate that never answers and ignores the signal, then follows the fallback chain at once', async () => {
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1': 'hangs', 'openai/gpt-4.1-mini': 'answers' },
      call: (delegate) => (delegate === 'hangs' ? new Promise(() => {}) : Promise.resolve({ type: 'response' as const, response: reply })),
      resilience: { attempts: { attemptTimeoutMs: 30, retries: 1, backoffBaseMs: 1 } },
    });
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1', messages }, options: { fallbackChain: ['openai/gpt-4.1-mini'] } });
    const result = await engine.run(exchange);
    expect(result.type).toBe('response');
    expect(exchange.receipt.winner).toBe('openai/gpt-4.1-mini');
    expect(exchange.receipt.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.error_code])).toEqual([
      ['openai/gpt-4.1', 'failed', 'provider_timeout'],
      ['openai/gpt-4.1-mini', 'ok', undefined],
    ]);
  });

  it('ends a delegate stream that stalls after its first token at the deadline, with the receipt in error', async () => {
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1-mini': 'stalls' },
      call: async () => ({
        type: 'stream' as const,
        stream: (async function* () {
          yield chunk('Hel');
          await new Promise(() => {});
        })(),
      }),
    });
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1-mini', messages, stream: true }, options: { deadlineMs: 60 } });
    const result = await engine.run(exchange);
    if (result.type !== 'stream') throw new Error('expected a stream');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of result.stream) seen.push(item.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(seen).toEqual(['Hel']);
    expect(exchange.receipt).toMatchObject({ status: 'error', error: { status: 504, code: 'deadline_exceeded' } });
  });
});
