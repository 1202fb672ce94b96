import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSlots, createPiiPolicy, createSemanticCache, exactRequestKey, extractSlots, InvalidRequestError, ModelCatalog, promptWords, restoreResponse, Router, semanticRequestKey, verifyParaphrase, type ChatRequest, type ChatResponse } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { redactLines } from '../packages/cli/src/commands/redact.js';
import { loadRouterArgument } from '../packages/cli/src/commands/router-argument.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Regression for issue 15 item 1: "constructor" in a prompt answered 500 with the cache on, because
// user text was a key into a plain object whose prototype answered it. Every name the prototype
// answers, in the spellings text paths produce (as written, lower-cased, inside words and JSON keys).
const prototypeNames = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];
const spellings = [...new Set(prototypeNames.flatMap((name) => [name, name.toLowerCase(), name.replace(/_/g, '')]))];

/** Prompts that put a prototype name where each text path looks words, names, numbers and keys up. */
function promptsWith(name: string): string[] {
  return [
    name,
    `What is ${name}?`,
    `What is the ${name} of ${name.toUpperCase()} in ${name[0]!.toUpperCase()}${name.slice(1)}'s class?`,
    `How do I call ${name}() on "${name}" and '${name}' in \`${name}\`?`,
    `{"${name}": "${name}", "nested": {"${name}": ["${name}@example.com"]}}`,
    `mail ${name}@example.com or <${name}_1> or <EMAIL_1> about ${name}`,
  ];
}

const catalog = new ModelCatalog({ providers: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'together'] });
const ask = (model: string, content: string): ChatRequest => ({ model, messages: [{ role: 'user', content }] });

describe('every Object.prototype name through every text path (issue 15, item 1)', () => {
  it('the semantic cache stores, matches and guards them like any word', () => {
    const cache = createSemanticCache<string>({ similarityThreshold: 0.9 });
    for (const name of spellings) {
      for (const prompt of promptsWith(name)) {
        cache.store(prompt, prompt, prompt);
        const match = cache.lookup(prompt, prompt);
        expect(match).toMatchObject({ hit: true, value: prompt });
        expect(compareSlots(extractSlots(prompt), extractSlots(`${prompt} please`))).toBeNull();
        const words = promptWords(prompt);
        expect(typeof words.strict).toBe('string');
        expect(verifyParaphrase(words, promptWords(`${prompt}?`), 0.6, 0.95)).not.toBe(undefined);
        // A different word in the same place is still told apart.
        expect(compareSlots(extractSlots(`What is ${name} 2?`), extractSlots(`What is ${name} 3?`))).toBe('numbers');
      }
    }
  });

  it('the exact and semantic request keys take them as fields, names and text', () => {
    for (const name of spellings) {
      const request = { model: 'auto', messages: [{ role: 'user', content: name, name }], [name]: name } as ChatRequest;
      expect(exactRequestKey(request, 'auto')).toMatch(/^[\w-]+$/);
      expect(semanticRequestKey(request, 'auto')?.prompt).toBe(name);
    }
  });

  it('PII detection, redaction and restore treat them as text', () => {
    const policy = createPiiPolicy({ customPatterns: [{ name: 'TICKET', pattern: /T-\d{4}/ }] });
    for (const name of spellings) {
      for (const prompt of promptsWith(name)) {
        const session = policy.createSession({ nonce: true });
        const redacted = session.redact(prompt, 'text');
        expect(redacted).not.toContain(`${name}@example.com`);
        const answer: ChatResponse = { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: redacted } }] };
        expect(restoreResponse(answer, session).choices[0]!.message.content).toBe(prompt);
        expect(Object.getPrototypeOf(session.detected)).not.toBe(Object.prototype.constructor);
      }
    }
  });

  it('routing features and scorers take them as prompt text: auto, router-lr, router-complexity, router@', () => {
    const router = new Router({ catalog });
    for (const name of spellings) {
      for (const prompt of promptsWith(name)) {
        for (const model of ['auto', 'router-lr-0.5', 'router-complexity-0.5', 'router@q:1|c:0.5', 'openai/gpt-4.1-mini']) {
          expect(router.decide(ask(model, prompt)).candidates.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('routing refuses them as model-string parts with a clear error, not a crash or a silent accept', () => {
    const router = new Router({ catalog });
    for (const name of spellings) {
      for (const model of [`router@${name}:1`, `router@q:1|${name}:0.5`, `router-${name}-0.5`, name, `${name}/gpt-4.1`]) {
        let error: unknown;
        try {
          router.decide(ask(model, 'hi'));
        } catch (caught) {
          error = caught;
        }
        expect(error, model).toBeInstanceOf(InvalidRequestError);
      }
      // A configured provider's unknown name passes through as exactly that name (never a prototype's member), or is refused as no model name.
      let passed: unknown;
      try {
        passed = router.decide(ask(`openai/${name}`, 'hi')).candidates[0]!.model;
      } catch (caught) {
        expect(caught, name).toBeInstanceOf(InvalidRequestError);
        continue;
      }
      expect(passed, name).toMatchObject({ id: `openai/${name}`, provider: 'openai', upstreamModel: name, priceUnknown: true });
    }
  });

  it('the CLI redact command and its --router argument', async () => {
    for (const name of spellings) {
      const input = new PassThrough();
      const output = new PassThrough();
      let written = '';
      output.on('data', (data: Buffer) => (written += data.toString()));
      input.end(promptsWith(name).join('\n'));
      await redactLines(input, output);
      expect(written).toContain('<EMAIL_');
      expect(written).not.toContain(`${name}@example.com`);
      // Not a shipped router: read as a path, which does not exist (before: `shippedRouterFiles[name]`).
      await expect(loadRouterArgument(name)).rejects.toThrow(/no such file/);
    }
  });
});

describe('every Object.prototype name over HTTP with cache and PII on (issue 15, item 1)', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], pii: true, cache: true });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers 200 twice (miss, then hit) for prompts, names, users, metadata and fields named after them', async () => {
    for (const name of spellings) {
      for (const content of promptsWith(name)) {
        for (const model of content === name ? ['auto', 'openai/gpt-4.1-mini', 'router-lr-0.5'] : ['auto']) {
          const body = JSON.stringify({ model, messages: [{ role: 'user', content, name: 'user' }], user: name, metadata: { [name]: name }, 'x-routing-hints': {} });
          for (let attempt = 0; attempt < 2; attempt += 1) {
            const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            const text = await response.text();
            expect(response.status, `${model} ${content}: ${text}`).toBe(200);
          }
        }
      }
      // Routing hints and headers keyed by the name: refused or ignored, never a crash.
      for (const [body, headers] of [
        [{ model: 'auto', messages: [{ role: 'user', content: 'hi' }], 'x-routing-hints': { [name]: name } }, {}],
        [{ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }, { 'x-routekit-hints': JSON.stringify({ [name]: 1 }), [`x-${name.replace(/_/g, '')}`]: name }],
      ] as const) {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        const text = await response.text();
        expect(response.status, `${name}: ${text}`).toBeLessThan(500);
      }
    }
  });
});
