import { describe, expect, it } from 'vitest';
import { promptTokenBound } from '../guard/limits/prompt-token-bound.js';
import { estimateTokens, requestCharacters, weightedCharacters } from './request-profile.js';
import { rememberedFromLength, rememberedUpToLength, ringSize, utf8BytesOf } from './utf8-bytes.js';

const long = (text: string) => text.repeat(Math.ceil(rememberedFromLength / text.length) + 1);

describe('utf8BytesOf', () => {
  it('is the UTF-8 byte length, short or long, ASCII or not', () => {
    for (const text of ['', 'hello', '東京の天気は？', long('a'), long('東京'), long('😀 ok '), '東'.repeat(rememberedUpToLength + 1)]) {
      expect(utf8BytesOf({}, text)).toBe(Buffer.byteLength(text, 'utf8'));
      const holder = {};
      utf8BytesOf(holder, text);
      expect(utf8BytesOf(holder, text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });

  it('measures a holder anew once its text was replaced, even by one of the same length', () => {
    const message = { role: 'user' as const, content: long('a') };
    expect(utf8BytesOf(message, message.content)).toBe(message.content.length);
    // Same length in characters, three times the bytes: a remembered length would under-count it.
    message.content = long('東').slice(0, message.content.length);
    expect(utf8BytesOf(message, message.content)).toBe(Buffer.byteLength(message.content, 'utf8'));
  });

  it('measures anew a holder pushed out of the ring by later ones', () => {
    const message = { role: 'user' as const, content: long('a') };
    expect(utf8BytesOf(message, message.content)).toBe(message.content.length);
    for (let index = 0; index < ringSize; index++) utf8BytesOf({}, long('b'));
    expect(utf8BytesOf(message, message.content)).toBe(message.content.length);
  });

  it("keeps the spend bound and routing's estimate right when a message's text changes in place", () => {
    const message = { role: 'user' as const, content: long('x') };
    const request = { model: 'auto', messages: [message] };
    const before = promptTokenBound(request);
    expect(estimateTokens(requestCharacters(request, weightedCharacters))).toBe(estimateTokens(4 + message.content.length));
    message.content = long('東京').slice(0, message.content.length);
    const bytes = Buffer.byteLength(message.content, 'utf8');
    expect(promptTokenBound(request)).toBe(before - message.content.length + bytes);
    expect(estimateTokens(requestCharacters(request, weightedCharacters))).toBe(estimateTokens(4 + 1.6 * bytes));
  });
});
