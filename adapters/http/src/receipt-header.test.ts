import type { Receipt } from '@routekit/core';
import { describe, expect, it } from 'vitest';
import { receiptHeader } from './receipt-header.js';

const receipt = {
  request_id: 'chatcmpl-rk-1',
  strategy: 'auto',
  winner: 'openai/gpt-5-mini',
  routing_overhead_ms: 0.412,
  fallback_attempts: 1,
  cost_usd: 0.000134,
  savings_usd: 0.000906,
  tokens: { prompt: 500, completion: 8, total: 508, estimated: false },
} as unknown as Receipt;

describe('receiptHeader', () => {
  it('lists the decision, then the price once the answer is final', () => {
    expect(receiptHeader(receipt, true)).toBe('id=chatcmpl-rk-1; strategy=auto; model=openai/gpt-5-mini; overhead_ms=0.412; fallbacks=1; cost_usd=0.000134; savings_usd=0.000906; tokens=508');
    expect(receiptHeader(receipt, false)).toBe('id=chatcmpl-rk-1; strategy=auto; model=openai/gpt-5-mini; overhead_ms=0.412; fallbacks=1');
  });

  it('leaves out a model not chosen yet and adds the cache status when there is one', () => {
    const cached = { ...receipt, winner: null, cache: { status: 'hit' } } as unknown as Receipt;
    expect(receiptHeader(cached, false)).toBe('id=chatcmpl-rk-1; strategy=auto; overhead_ms=0.412; fallbacks=1; cache=hit');
    expect(receiptHeader(cached, true)).toBe('id=chatcmpl-rk-1; strategy=auto; overhead_ms=0.412; fallbacks=1; cache=hit; cost_usd=0.000134; savings_usd=0.000906; tokens=508');
  });
});
