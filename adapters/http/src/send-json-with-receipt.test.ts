import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { receiptJson, type Receipt } from '@routekit/core';
import { sendJsonWithReceipt } from './http-bridge.js';

/** What a response was sent: its headers and body text. */
function capture(): { response: ServerResponse; sent: { headers: Record<string, unknown>; text: string } } {
  const sent = { headers: {} as Record<string, unknown>, text: '' };
  const response = {
    writeHead(_status: number, headers: Record<string, unknown>) {
      sent.headers = headers;
      return this;
    },
    end(text: string) {
      sent.text = text;
    },
  } as unknown as ServerResponse;
  return { response, sent };
}

const receipt = { request_id: 'chatcmpl-rk-1', strategy: 'auto', candidates: [{ model: 'openai/gpt-5-mini', score: 1.9992752756063665, predicted_quality: 0.855, estimated_cost_usd: 0.00072525, eligible: true }], winner: 'openai/gpt-5-mini', reason: 'cheapest "model" ☃' } as unknown as Receipt;

describe('sendJsonWithReceipt', () => {
  it('sends the same bytes as the answer spread with its receipt, its receipt serialised once', () => {
    const bodies: object[] = [
      { id: 'a', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi "there" ☃\n' } }], usage: null },
      {},
      JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "id": "b"}') as object,
      { 'x-routekit': { from: 'another gateway' }, id: 'c' },
      { id: 'd', nested: { deep: [1, 2.5, -0, 1e21, 'x'] }, missing: undefined },
    ];
    for (const body of bodies) {
      const { response, sent } = capture();
      sendJsonWithReceipt(response, body, receipt, { 'x-ratelimit-limit-requests': '100', 'x-request-id': 'r' });
      const expected = JSON.stringify({ ...body, 'x-routekit': receipt });
      expect(sent.text).toBe(expected);
      expect(sent.headers['content-length']).toBe(Buffer.byteLength(expected));
      expect(sent.headers['x-request-id']).toBe('r');
      // The given headers first, in their order, then the content headers, as on the wire before.
      expect(Object.keys(sent.headers)).toEqual(['x-ratelimit-limit-requests', 'x-request-id', 'content-type', 'content-length']);
      expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(receiptJson(receipt)).toBe(JSON.stringify(receipt));
    expect(receiptJson(receipt)).toBe(receiptJson(receipt));
  });
});
