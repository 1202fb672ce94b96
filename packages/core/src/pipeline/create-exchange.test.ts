import { describe, expect, it } from 'vitest';
import { createExchange } from './create-exchange.js';

describe('createExchange', () => {
  it("names the exchange chatcmpl-rk- and the first 24 hex digits of a random UUID, in the UUID's order", () => {
    const ids = new Set<string>();
    for (let index = 0; index < 200; index++) {
      const { id, receipt } = createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } });
      // A version 4 UUID's 13th digit is 4 and its 17th one of 8, 9, a, b: the digits kept are the UUID's own, dashes dropped.
      expect(id).toMatch(/^chatcmpl-rk-[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{7}$/);
      expect(receipt.request_id).toBe(id);
      ids.add(id);
    }
    expect(ids.size).toBe(200);
  });
});
