import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { createExchange } from '../pipeline/create-exchange.js';
import { createCacheMiddleware } from './cache-middleware.js';
import { answer, chunksOf, collectText, question, runThrough } from './cache-test-helpers.js';

const respond = (text: string) => () => ({ type: 'response' as const, response: answer(text) });

/** A request the PII middleware handled with `action` before the cache sees it (it sets the receipt's `pii`). */
async function runThroughWithPii(cache: ReturnType<typeof createCacheMiddleware>, action: 'redact' | 'mask') {
  const exchange = createExchange({ request: question(action === 'redact' ? 'Mail <EMAIL_1_k3x9q2> now' : 'Charge ****1111 now') });
  exchange.receipt.pii = { action, detected: action === 'redact' ? { EMAIL: 1 } : { CREDIT_CARD: 1 } };
  await cache.wrapRequest!(exchange, async () => ({ type: 'response', response: answer('ok') }));
  return { exchange };
}

describe('createCacheMiddleware', () => {
  it('answers an identical request from the exact cache, with the saved cost in the receipt', async () => {
    const cache = createCacheMiddleware();
    const first = await runThrough(cache, { request: question('What is the capital of France?') }, respond('Paris.'), 0.0042);
    expect(first.exchange.receipt.cache).toEqual({ status: 'miss' });
    const second = await runThrough(cache, { request: question('What is the capital of France?', { stream: false, user: 'someone' }) }, respond('wrong'));
    expect(second.upstreamCalls).toBe(0);
    expect((await collectText(second.result)).text).toBe('Paris.');
    expect(second.exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'exact', similarity: 1, saved_usd: 0.0042 });
    expect(second.exchange.receipt.cache!.entry_id).toMatch(/^cache_/);
    expect(second.exchange.receipt.winner).toBe('openai/gpt-4.1-mini');
    expect(second.exchange.receipt.strategy).toBe('cache');
    if (second.result.type === 'response') expect(second.result.response.id).toBe(second.exchange.id);
  });

  it('answers a reworded question semantically but not one with another name, year or language', async () => {
    const cache = createCacheMiddleware();
    await runThrough(cache, { request: question('What is the capital of France?') }, respond('Paris.'));
    const reworded = await runThrough(cache, { request: question('what is the capital of france') }, respond('wrong'));
    expect(reworded.exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'semantic' });
    const germany = await runThrough(cache, { request: question('What is the capital of Germany?') }, respond('Berlin.'));
    expect(germany.upstreamCalls).toBe(1);

    const sky = 'Explain why the sky is blue at sunset and what makes it look red or orange to us';
    await runThrough(cache, { request: question(sky) }, respond('Scattering.'));
    const negated = await runThrough(cache, { request: question(sky.replace('is blue', 'is not blue')) }, respond('x'));
    expect(negated.upstreamCalls).toBe(1);
    expect(negated.exchange.receipt.cache).toMatchObject({ status: 'miss', reason: 'guard: negation' });
    expect(negated.exchange.receipt.cache!.similarity).toBeGreaterThanOrEqual(0.95);
  });

  // Issue 15 item 2: "Simplify x^2 - 2x + 1" used to hit "Simplify x^2 + 2x + 1" at similarity 1.000.
  it('does not answer a maths prompt with another operator, or a relation with its arguments swapped', async () => {
    const cache = createCacheMiddleware({ similarityThreshold: 0.9 });
    await runThrough(cache, { request: question('Simplify x^2 + 2x + 1') }, respond('(x + 1)^2'));
    const minus = await runThrough(cache, { request: question('Simplify x^2 - 2x + 1') }, respond('(x - 1)^2'));
    expect(minus.upstreamCalls).toBe(1);
    expect(minus.exchange.receipt.cache).toMatchObject({ status: 'miss', similarity: 1, reason: 'guard: symbols' });
    await runThrough(cache, { request: question('How do you convert benzene into toluene?') }, respond('Friedel-Crafts methylation.'));
    const reversed = await runThrough(cache, { request: question('How do you convert toluene into benzene?') }, respond('Dealkylation.'));
    expect(reversed.exchange.receipt.cache).toMatchObject({ status: 'miss', reason: 'guard: word order' });
    expect((await runThrough(cache, { request: question('how do you convert benzene into toluene') }, respond('x'))).exchange.receipt.cache).toMatchObject({ status: 'hit' });
  });

  // Issue 15 item 8: placeholders carry a nonce per request, so such a request never matches another one.
  it('bypasses requests whose PII was replaced by placeholders, and keeps masked ones', async () => {
    const flagged = createCacheMiddleware();
    const first = await runThroughWithPii(flagged, 'redact');
    expect(first.exchange.receipt.cache).toEqual({ status: 'bypass', reason: 'pii placeholders' });
    const masked = await runThroughWithPii(flagged, 'mask');
    expect(masked.exchange.receipt.cache).toEqual({ status: 'miss' });
  });

  it('refuses another target language or year above a 0.90 threshold', async () => {
    const cache = createCacheMiddleware({ similarityThreshold: 0.9 });
    const translate = 'Please translate the following paragraph about our quarterly planning meeting and the new office schedule into Spanish';
    await runThrough(cache, { request: question(translate) }, respond('Por favor…'));
    const french = await runThrough(cache, { request: question(translate.replace('Spanish', 'French')) }, respond('Veuillez…'));
    expect(french.exchange.receipt.cache).toMatchObject({ status: 'miss', reason: 'guard: keywords' });
    const report = 'Summarise the main arguments of the report on renewable energy adoption in rural areas published in 2019';
    await runThrough(cache, { request: question(report) }, respond('It argues…'));
    const otherYear = await runThrough(cache, { request: question(report.replace('2019', '2021')) }, respond('x'));
    expect(otherYear.exchange.receipt.cache).toMatchObject({ status: 'miss', reason: 'guard: numbers' });
    expect((await runThrough(cache, { request: question(`${report}.`) }, respond('x'))).exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'semantic' });
  });

  it('keeps answers chosen under different routing hints apart (regression: quality asks must not get a cost answer)', async () => {
    const cache = createCacheMiddleware();
    await runThrough(cache, { request: question('What is the capital of France?'), hints: { priority: 'cost' } }, respond('Paris.'));
    const quality = await runThrough(cache, { request: question('What is the capital of France?'), hints: { priority: 'quality' } }, respond('Paris, France.'));
    expect(quality.upstreamCalls).toBe(1);
    const sameHints = await runThrough(cache, { request: question('What is the capital of France?'), hints: { priority: 'cost' } }, respond('x'));
    expect(sameHints.upstreamCalls).toBe(0);
  });

  it('matches the last user message only when the conversation before it is identical', async () => {
    const cache = createCacheMiddleware();
    const withSystem = (system: string, text: string) => ({ model: 'auto', messages: [{ role: 'system' as const, content: system }, { role: 'user' as const, content: text }] });
    await runThrough(cache, { request: withSystem('Answer in one word.', 'What is the capital of France?') }, respond('Paris'));
    expect((await runThrough(cache, { request: withSystem('Answer in one word.', 'what is the capital of France') }, respond('x'))).upstreamCalls).toBe(0);
    expect((await runThrough(cache, { request: withSystem('Answer in a poem.', 'what is the capital of France') }, respond('x'))).upstreamCalls).toBe(1);
    expect((await runThrough(cache, { request: { ...withSystem('Answer in one word.', 'what is the capital of France'), temperature: 0 } }, respond('x'))).upstreamCalls).toBe(1);
  });

  it('serves a cached answer as a stream with a final finish_reason and a usage chunk', async () => {
    const cache = createCacheMiddleware();
    await runThrough(cache, { request: question('Name three primary colours.') }, respond('Red, yellow and blue are the three primary colours.'));
    const streamed = await runThrough(cache, { request: question('Name three primary colours.', { stream: true, stream_options: { include_usage: true } }) }, respond('x'));
    const { text, chunks } = await collectText(streamed.result);
    expect(text).toBe('Red, yellow and blue are the three primary colours.');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 15 } });
  });

  it('stores a stream only when it was read to the end and finished with stop', async () => {
    const cache = createCacheMiddleware();
    const streamOf = (text: string, finish: 'stop' | 'length' = 'stop') => () => ({ type: 'stream' as const, stream: chunksOf(text, finish) });
    const partial = await runThrough(cache, { request: question('Tell me a story.', { stream: true }) }, streamOf('Once upon a time'));
    if (partial.result.type === 'stream') for await (const _chunk of partial.result.stream) break;
    expect((await runThrough(cache, { request: question('Tell me a story.') }, respond('x'))).upstreamCalls).toBe(1);

    const truncated = await runThrough(cache, { request: question('Write an essay.', { stream: true }) }, streamOf('An essay that was cut', 'length'));
    await collectText(truncated.result);
    expect((await runThrough(cache, { request: question('Write an essay.') }, respond('x'))).upstreamCalls).toBe(1);

    const complete = await runThrough(cache, { request: question('Say hello.', { stream: true }) }, streamOf('Hello there'));
    await collectText(complete.result);
    const hit = await runThrough(cache, { request: question('Say hello.') }, respond('x'));
    expect(hit.upstreamCalls).toBe(0);
    expect((await collectText(hit.result)).text).toBe('Hello there ');
  });

  it('never stores errors, truncated answers or tool calls', async () => {
    const cache = createCacheMiddleware();
    await expect(runThrough(cache, { request: question('Fail please.') }, () => { throw new Error('upstream down'); })).rejects.toThrow('upstream down');
    expect((await runThrough(cache, { request: question('Fail please.') }, respond('ok'))).upstreamCalls).toBe(1);
    const truncated = await runThrough(cache, { request: question('Long answer.') }, () => ({ type: 'response', response: answer('cut', 'length') }));
    expect(truncated.exchange.receipt.cache).toEqual({ status: 'miss', reason: 'finish_reason' });
    const tools = [{ type: 'function' as const, function: { name: 'send_email' } }];
    const withTools = await runThrough(cache, { request: question('Email Bob.', { tools }) }, respond('Done.'));
    expect(withTools.exchange.receipt.cache).toEqual({ status: 'bypass', reason: 'tools' });
    expect((await runThrough(cache, { request: question('Email Bob.', { tools }) }, respond('Done.'))).upstreamCalls).toBe(1);
  });

  it('caches the answer after tool results exactly, since its inputs are all in the conversation', async () => {
    const cache = createCacheMiddleware();
    const request = {
      model: 'auto',
      tools: [{ type: 'function' as const, function: { name: 'weather' } }],
      messages: [
        { role: 'user' as const, content: 'Weather in Oslo?' },
        { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool' as const, tool_call_id: 'call_1', content: '4°C, rain' },
      ],
    };
    await runThrough(cache, { request }, respond('It is 4°C and raining in Oslo.'));
    expect((await runThrough(cache, { request }, respond('x'))).exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'exact' });
  });

  it('honours per-request opt-outs, excluded models and the temperature bound', async () => {
    const cache = createCacheMiddleware({ excludeModels: ['openai/o3', 'anthropic/claude-opus-4'], maxTemperature: 0.5 });
    const prompt = 'What is the boiling point of water?';
    await runThrough(cache, { request: question(prompt) }, respond('100 °C'));
    const optedOut = await runThrough(cache, { request: question(prompt), options: { cache: false } }, respond('x'));
    expect([optedOut.upstreamCalls, optedOut.exchange.receipt.cache]).toEqual([1, { status: 'bypass', reason: 'request option' }]);
    expect((await runThrough(cache, { request: question(prompt), headers: { 'x-routekit-cache': 'off' } }, respond('x'))).upstreamCalls).toBe(1);
    expect((await runThrough(cache, { request: question(prompt), headers: { 'cache-control': 'no-store' } }, respond('x'))).upstreamCalls).toBe(1);
    const noCache = await runThrough(cache, { request: question('A fresh question?'), headers: { 'cache-control': 'max-age=0, no-cache' } }, respond('fresh'));
    expect([noCache.upstreamCalls, noCache.exchange.receipt.cache]).toEqual([1, { status: 'bypass', reason: 'no-cache' }]);
    expect((await runThrough(cache, { request: question('A fresh question?') }, respond('x'))).upstreamCalls).toBe(0);
    expect((await runThrough(cache, { request: question('Hot take?', { temperature: 0.9 }) }, respond('a'))).exchange.receipt.cache).toEqual({ status: 'bypass', reason: 'temperature' });
    expect((await runThrough(cache, { request: question(prompt, { model: 'openai/o3' }) }, respond('a'))).exchange.receipt.cache).toEqual({ status: 'bypass', reason: 'excluded model' });
  });

  it('drops an entry whose original request the engine finished as an error, instead of serving it', async () => {
    const cache = createCacheMiddleware();
    const first = await runThrough(cache, { request: question('What is the speed of light in vacuum?') }, respond('299,792 km/s'));
    first.exchange.receipt.status = 'error';
    const second = await runThrough(cache, { request: question('What is the speed of light in vacuum?') }, respond('c'));
    expect(second.upstreamCalls).toBe(1);
    expect((await runThrough(cache, { request: question('what is the speed of light in vacuum') }, respond('x'))).exchange.receipt.cache).toMatchObject({ status: 'hit', saved_usd: 0.002 });
  });

  it('does not store an answer that came from an excluded provider/model id', async () => {
    const cache = createCacheMiddleware({ excludeModels: ['openai/gpt-4.1-mini'] });
    const first = await runThrough(cache, { request: question('Which model answered?') }, respond('that one'));
    expect(first.exchange.receipt.cache).toEqual({ status: 'miss', reason: 'excluded model' });
    expect((await runThrough(cache, { request: question('Which model answered?') }, respond('x'))).upstreamCalls).toBe(1);
  });

  it('says off when disabled and rejects a threshold outside 0.90..0.99, naming the option', async () => {
    const off = await runThrough(createCacheMiddleware({ enabled: false }), { request: question('Hi') }, respond('Hello'));
    expect(off.exchange.receipt.cache).toEqual({ status: 'off' });
    expect(() => createCacheMiddleware({ similarityThreshold: 0.5 })).toThrow(InvalidRequestError);
    expect(() => createCacheMiddleware({ similarityThreshold: 0.5 })).toThrow(/similarityThreshold/);
  });

  it('expires entries after ttlSeconds', async () => {
    const cache = createCacheMiddleware({ ttlSeconds: 0.05 });
    await runThrough(cache, { request: question('Short lived?') }, respond('yes'));
    expect((await runThrough(cache, { request: question('Short lived?') }, respond('x'))).upstreamCalls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await runThrough(cache, { request: question('Short lived?') }, respond('x'))).upstreamCalls).toBe(1);
  });

  it('keeps the cache within maxBytes by evicting the least recently used answers', async () => {
    const cache = createCacheMiddleware({ maxBytes: 8_000 });
    const long = (label: string) => `${label} ${'word '.repeat(300)}`;
    for (const prompt of ['first?', 'second?', 'third?', 'fourth?']) await runThrough(cache, { request: question(prompt) }, respond(long(prompt)));
    expect((await runThrough(cache, { request: question('fourth?') }, respond('x'))).upstreamCalls).toBe(0);
    expect((await runThrough(cache, { request: question('first?') }, respond('x'))).upstreamCalls).toBe(1);
  });

  it('keeps at most maxEntriesPerTenant, dropping the oldest', async () => {
    const cache = createCacheMiddleware({ maxEntriesPerTenant: 2, semantic: false });
    for (const prompt of ['one?', 'two?', 'three?']) await runThrough(cache, { request: question(prompt) }, respond(prompt));
    expect((await runThrough(cache, { request: question('one?') }, respond('x'))).upstreamCalls).toBe(1);
    expect((await runThrough(cache, { request: question('three?') }, respond('x'))).upstreamCalls).toBe(0);
  });
});
