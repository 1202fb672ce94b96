import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import type { ChatRequest } from '../chat/chat-request.js';
import { createHash } from 'node:crypto';
import { canonicalJson, exactRequestKey, requestKeys, SEMANTIC_MAX_CHARACTERS, semanticRequestKey } from './request-key.js';

const base: ChatRequest = { model: 'auto', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }], temperature: 0.2 };

describe('exactRequestKey', () => {
  it('ignores key order, stream, stream_options and user', () => {
    const reordered: ChatRequest = { temperature: 0.2, messages: base.messages, model: 'other', stream: true, stream_options: { include_usage: true }, user: 'u1' };
    expect(exactRequestKey(reordered, 'auto')).toBe(exactRequestKey(base, 'auto'));
  });

  it('changes with the model string and with every field that changes the answer', () => {
    const key = exactRequestKey(base, 'auto');
    expect(exactRequestKey(base, 'openai/gpt-4.1')).not.toBe(key);
    for (const change of [{ temperature: 0.3 }, { top_p: 0.5 }, { max_tokens: 10 }, { stop: ['\n'] }, { seed: 1 }, { response_format: { type: 'json_object' as const } }, { tool_choice: 'none' as const }, { vendor_field: 1 }]) {
      expect(exactRequestKey({ ...base, ...change }, 'auto')).not.toBe(key);
    }
  });
});

describe('semanticRequestKey', () => {
  it('keeps the last user message apart and hashes everything before it', () => {
    const key = semanticRequestKey(base, 'auto')!;
    expect(key.prompt).toBe('Hi there');
    const otherQuestion = semanticRequestKey({ ...base, messages: [base.messages[0]!, { role: 'user', content: 'Hello' }] }, 'auto')!;
    expect(otherQuestion.context).toBe(key.context);
    const otherSystem = semanticRequestKey({ ...base, messages: [{ role: 'system', content: 'Be long.' }, base.messages[1]!] }, 'auto')!;
    expect(otherSystem.context).not.toBe(key.context);
    expect(semanticRequestKey({ ...base, temperature: 0 }, 'auto')!.context).not.toBe(key.context);
  });

  it('has no key for images, tool results or an assistant last turn', () => {
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'tool', tool_call_id: 'c', content: '42' }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'assistant', content: 'Hi' }] }, 'auto')).toBeNull();
  });
});

describe('semanticRequestKey on long prompts', () => {
  it('leaves prompts over SEMANTIC_MAX_CHARACTERS to the exact cache, so embedding never blocks the event loop for long', () => {
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(SEMANTIC_MAX_CHARACTERS) }] }, 'auto')).toBeNull();
    expect(semanticRequestKey({ model: 'auto', messages: [{ role: 'user', content: 'x '.repeat(SEMANTIC_MAX_CHARACTERS / 4) }] }, 'auto')).not.toBeNull();
  });
});

// The keys as first written: map-and-join canonical JSON of a copied request, hashed with a Hash object.
const REFERENCE_IGNORED = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier']);
function referenceJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(referenceJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${referenceJson(field)}`).join(',')}}`;
}
const referenceDigest = (text: string) => createHash('sha256').update(text).digest('base64url');
const referenceFields = (request: ChatRequest) => Object.fromEntries(Object.entries(request).filter(([key]) => !REFERENCE_IGNORED.has(key)));
/** The whole request's canonical JSON: what the exact key stands for (and what it hashed before it was split at the last message). */
const referenceCanonical = (request: ChatRequest, model: string) => referenceJson({ model, ...referenceFields(request) });
const referenceContext = (request: ChatRequest, model: string) => {
  const context = referenceFields(request);
  context.messages = request.messages.slice(0, -1);
  return referenceDigest(referenceJson({ model, ...context, last_name: (request.messages.at(-1) as { name?: unknown }).name }));
};
/** The exact key as `requestKeys` documents it: context digest, the last message without content, then its content. */
function referenceExactKey(request: ChatRequest, model: string): string {
  const last = request.messages.at(-1) as (Record<string, unknown> & { content?: unknown }) | undefined;
  if (last === undefined || Object.hasOwn(request, 'last_name')) return referenceDigest(referenceCanonical(request, model));
  const { content, ...rest } = last;
  const tail = content === undefined ? 'u' : typeof content === 'string' && (content as string & { isWellFormed(): boolean }).isWellFormed() ? `s${content}` : `j${referenceJson(content)}`;
  return referenceDigest(referenceContext(request, model) + referenceJson(rest) + tail);
}

describe('request keys against the map-and-join reference', () => {
  it('give the same canonical JSON and keys on generated requests (odd keys, undefined fields, holes, escapes)', () => {
    const random = seededRandom(17);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const keys = ['a', 'b', 'B', 'é', '__proto__', 'constructor', 'toString', '10', '2', '', 'model', 'messages', 'last_name', 'stream', 'user', 'temperature', 'name'];
    const scalar = () => pick([null, undefined, 0, -1.5, 1e21, Number.NaN, true, false, 'x', '"\\\n\u2028', 'Summarise Hamlet', '日本😀']);
    const value = (depth: number): unknown => {
      const roll = random();
      if (depth > 3 || roll < 0.4) return scalar();
      if (roll < 0.6) {
        const array: unknown[] = Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
        if (random() < 0.1) array[array.length + 1] = 1; // a hole
        return array;
      }
      const object: Record<string, unknown> = {};
      // defineProperty: "__proto__" as an own key, as JSON.parse makes it.
      for (let count = Math.floor(random() * 5); count > 0; count -= 1) Object.defineProperty(object, pick(keys), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return object;
    };
    for (let sample = 0; sample < 5_000; sample += 1) {
      const fields = value(1);
      expect(canonicalJson(fields)).toBe(referenceJson(fields));
      const request = { ...(fields !== null && typeof fields === 'object' && !Array.isArray(fields) ? fields : {}) } as unknown as ChatRequest;
      request.messages = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ role: pick(['user', 'system', 'assistant'] as const), content: String(scalar()), ...(random() < 0.3 ? { name: pick(['n', undefined]) } : {}) }));
      const model = pick(['auto', 'openai/gpt-4.1', 'auto {"priority":"cost"}']);
      expect(exactRequestKey(request, model)).toBe(referenceExactKey(request, model));
      const semantic = semanticRequestKey(request, model);
      expect(requestKeys(request, model, true)).toEqual({ exact: exactRequestKey(request, model), semantic });
      if (semantic === null) continue;
      expect(semantic.context).toBe(referenceContext(request, model));
    }
  });
});

describe('exact keys split at the last message', () => {
  it('give two requests one key exactly when their canonical JSON is the same (contents that look like the separators, surrogates, content moved between turns)', () => {
    const random = seededRandom(23);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const contents: unknown[] = ['x', 'x y', '', 'u', 'sx', 'jx', '"x"', '}x', '{"role":"user"}sx', '\ud800', '\ufffd', '\ud83d', '😀', null, undefined, ['x'], [{ type: 'text', text: 'x' }], { text: 'x' }];
    const message = () => {
      const fields: Record<string, unknown> = { role: pick(['user', 'assistant', 'system']) };
      if (random() < 0.85) fields.content = pick(contents);
      if (random() < 0.3) fields.name = pick(['n', 'x', 'sx', undefined]);
      return fields;
    };
    const keyOf = new Map<string, string>(); // canonical JSON -> key
    const canonicalOf = new Map<string, string>(); // key -> canonical JSON
    for (let sample = 0; sample < 20_000; sample += 1) {
      const request = { messages: Array.from({ length: 1 + Math.floor(random() * 2) }, message) } as unknown as Record<string, unknown>;
      if (random() < 0.2) request.last_name = pick(['n', 'x', null]);
      if (random() < 0.3) request.temperature = pick([0, 0.5]);
      if (random() < 0.2) request.stream = true; // ignored: same key
      const model = pick(['auto', 'sx']);
      const canonical = referenceCanonical(request as unknown as ChatRequest, model);
      const key = exactRequestKey(request as unknown as ChatRequest, model);
      expect(keyOf.get(canonical) ?? key, canonical).toBe(key);
      expect(canonicalOf.get(key) ?? canonical, key).toBe(canonical);
      keyOf.set(canonical, key);
      canonicalOf.set(key, canonical);
    }
    expect(keyOf.size).toBeGreaterThan(2_000); // many distinct requests, and many repeats of each
  });
});
