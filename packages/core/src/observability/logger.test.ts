import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { createInProcessEngine } from '../pipeline/create-in-process-engine.js';
import { createJsonLogger, describeError } from './logger.js';
import { requestLogFields } from './request-log.js';

describe('logging', () => {
  it('writes one JSON line per call at or above the level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'warn', write: (line) => lines.push(line) });
    logger.info({ a: 1 }, 'hidden');
    logger.warn({ b: 2 }, 'shown');
    logger.error({ c: 3 });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'warn', msg: 'shown', b: 2 });
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);
    expect(createJsonLogger({ level: 'silent', write: (line) => lines.push(line) }).error({}, 'x')).toBeUndefined();
    expect(lines).toHaveLength(2);
  });

  it('describes an error by class, code and frames, keeping foreign messages (which may quote input) out', () => {
    let parseError: unknown;
    try {
      JSON.parse('my password is hunter2');
    } catch (error) {
      parseError = error;
    }
    const foreign = describeError(parseError);
    expect(foreign.name).toBe('SyntaxError');
    expect(JSON.stringify(foreign)).not.toContain('hunter2');
    const own = describeError(new InvalidRequestError('messages must not be empty.', { code: 'empty_messages' }));
    expect(own).toMatchObject({ name: 'InvalidRequestError', code: 'empty_messages', status: 400, message: 'messages must not be empty.' });
  });

  it('logs a finished request from its receipt with its key id and outcome, and no prompt or answer text', async () => {
    const lines: Record<string, unknown>[] = [];
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1-mini': 'model' },
      onReceipt: [(receipt) => lines.push(requestLogFields(receipt))],
      call: async (_delegate, attempt) => ({ type: 'response', response: { id: 'x', object: 'chat.completion', created: 0, model: attempt.request.model, choices: [{ index: 0, message: { role: 'assistant', content: 'answer text here' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } } }),
    });
    const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'prompt text here' }] }, tenant: 'acme', apiKeyId: 'key_1' });
    await engine.run(exchange);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ request_id: exchange.id, tenant: 'acme', key_id: 'key_1', model_requested: 'auto', winner: 'openai/gpt-4.1-mini', status: 'ok', tokens: 5, cache: 'off', fallbacks: 0 });
    expect(typeof lines[0]!.latency_ms).toBe('number');
    expect(JSON.stringify(lines)).not.toMatch(/prompt text|answer text/);
  });
});

describe('the default log writer', () => {
  it('writes the lines of one turn of the event loop in one write to standard error, in order', async () => {
    const writes: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const logger = createJsonLogger({ level: 'info' });
      for (let index = 0; index < 50; index++) logger.info({ index }, 'line');
      expect(writes).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toHaveLength(1);
      expect(writes[0]!.trim().split('\n').map((line) => JSON.parse(line).index)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    } finally {
      process.stderr.write = original;
    }
  });
});
