import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ChatCompletionsClient, RoutedClient } from './index.js';

/**
 * Type-level checks, compiled (never run) by the test below: the routed client returns the
 * `openai` package's own types, takes its parameter objects, and an `openai` client is a delegate.
 */
export async function typeLevel(client: RoutedClient, official: OpenAI): Promise<void> {
  const completion: ChatCompletion = await client.chat.completions.create({ model: 'router-lr-0.3', messages: [{ role: 'user', content: 'Hi' }] });
  const stream: Stream<ChatCompletionChunk> = await client.chat.completions.create({ model: 'auto', messages: [], stream: true });
  const either: ChatCompletion | Stream<ChatCompletionChunk> = await client.chat.completions.create({ model: 'auto', messages: [], stream: completion.choices.length > 0 });
  // @ts-expect-error a stream is not a ChatCompletion
  const wrong: ChatCompletion = await client.chat.completions.create({ model: 'auto', messages: [], stream: true });
  // @ts-expect-error routekit's own fields are typed too
  await client.chat.completions.create({ model: 'auto', messages: [], cache: 'no' });
  const parameters: ChatCompletionCreateParamsNonStreaming = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }], tools: [], temperature: 0 };
  const same: [ChatCompletion, ChatCompletion] = [await client.chat.completions.create(parameters), await official.chat.completions.create(parameters)];
  const delegates: Record<string, ChatCompletionsClient> = { 'openai/gpt-4.1': official };
  void [stream, either, wrong, same, delegates];
}

describe('the routed client and the openai package types', () => {
  it('type-checks: returns ChatCompletion / Stream<ChatCompletionChunk> and takes openai clients as delegates (tsc over this package and its tests)', () => {
    const project = fileURLToPath(new URL('../tsconfig.test.json', import.meta.url));
    const typescript = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    let output = '';
    try {
      execFileSync(process.execPath, [typescript, '-p', project], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toBe('');
  }, 180_000); // a tsc run takes seconds alone, much longer on a busy two-core machine
});
