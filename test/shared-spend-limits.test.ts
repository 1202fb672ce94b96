import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, createRedisCounterStore, createUpstreamCall, Engine, ModelCatalog, windowOf, type ChatChunk, type CounterStore, type Receipt } from '@routekit/core';
import { generatedText, startTruthUpstream, trueTokens, type TruthUpstream } from './truth-upstream.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-test:${randomUUID()}:`;
// A fixed clock keeps every request in one day window whenever the test runs.
const now = () => Date.UTC(2026, 10, 22, 12, 0, 30);
const limitUsd = 1;
const model = 'openai/gpt-4.1-mini';
// Common Chinese and Japanese characters: prompts a characters/4 estimate under-counts about fourfold.
const cjk = '的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴急府称树希ひらがなカタカナです';

function gatewayInstance(upstream: TruthUpstream, stores: CounterStore[]): Engine {
  // A generous timeout: 300 requests at once on a busy 2-core machine stall the event loop, and this test is about money, not outages.
  const store = createRedisCounterStore({ url, prefix, timeoutMs: 5000 });
  stores.push(store);
  return new Engine({
    call: createUpstreamCall({ providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url }] }),
    catalog: new ModelCatalog({ providers: ['openai'] }),
    store,
    spendLimits: { global: { limits: { daily_usd: limitUsd } }, now },
  });
}

async function drain(stream: AsyncIterable<ChatChunk>): Promise<void> {
  for await (const _chunk of stream);
}

describe('spend limits shared by two engine instances through one Redis, under 300 concurrent long CJK requests', () => {
  let upstream: TruthUpstream;
  const stores: CounterStore[] = [];
  // Twelve prompts of 300 to 1,400 characters, reused: the truth tokenizer is slow on CJK.
  const prompts = Array.from({ length: 12 }, (_, index) => generatedText(cjk, 300 + index * 100, index + 1, '，。'));

  beforeAll(async () => {
    // gpt-4.1-mini's prices; an answer of 20,000 tokens when nothing caps it (the model allows 32,768).
    upstream = await startTruthUpstream({ longAnswerTokens: 20_000, inputPricePerMillion: 0.4, outputPricePerMillion: 1.6, answerText: generatedText(cjk, 2000, 7, '，。') });
    for (const prompt of prompts) trueTokens(prompt);
  }, 120_000);
  afterAll(async () => {
    await upstream.close();
    const admin = new Redis(url);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
    await Promise.all(stores.map((store) => store.close()));
  });

  it('never lets the billed total pass the daily limit, and settles the counter to exactly what was billed', async () => {
    const instances = [gatewayInstance(upstream, stores), gatewayInstance(upstream, stores)];
    const receipts: Receipt[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const engine = instances[index % 2]!;
        const exchange = engine.createExchange({ request: { model, messages: [{ role: 'user', content: prompts[index % prompts.length]! }], stream: index % 3 === 0 } });
        receipts.push(exchange.receipt);
        try {
          const result = await engine.run(exchange);
          if (result.type === 'stream') await drain(result.stream);
          return 'ok';
        } catch (error) {
          if (error instanceof BudgetExceededError) return 'over budget';
          throw error;
        }
      }),
    );
    const answered = outcomes.filter((outcome) => outcome === 'ok').length;
    const capped = receipts.filter((receipt) => typeof (receipt as Receipt & { max_tokens_capped_to?: number }).max_tokens_capped_to === 'number').length;
    const billedUsd = upstream.billedMicros / 1_000_000;
    console.info(`shared spend limit: ${answered} answered (${capped} capped), ${300 - answered} refused, billed $${billedUsd.toFixed(4)} of $${limitUsd}: ${(billedUsd / limitUsd).toFixed(3)}x the limit`);

    expect(upstream.billedMicros).toBeLessThanOrEqual(limitUsd * 1_000_000);
    const observer = createRedisCounterStore({ url, prefix });
    stores.push(observer);
    expect(await observer.get(`spend:global:*:daily_usd:${windowOf('day', now()).id}`)).toBe(upstream.billedMicros);
    // Every call carried an output cap, so no answer could run past its reservation; a cap below the
    // model's 32,768 is one the budget imposed, and its receipt says so.
    expect(upstream.caps.every((cap) => cap !== null && cap <= 32_768)).toBe(true);
    expect(upstream.caps.filter((cap) => cap! < 32_768)).toHaveLength(capped);
    // The budget was used, not just guarded: at least $1 / $0.054 (one call's worst case) went out.
    expect(answered).toBeGreaterThanOrEqual(18);
    expect(upstream.calls).toBe(answered);
  }, 120_000);
});
