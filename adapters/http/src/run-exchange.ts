import type { ServerResponse } from 'node:http';
import type { Engine, ChatResult, Exchange, ExchangeInput } from '@routekit/core';
import type { Caller } from './authenticate.js';
import type { KeyManagement } from './key-management.js';

/** What every API route needs to run its request through the engine. */
export interface ExchangeRunner {
  engine: Engine;
  keyManagement: KeyManagement | undefined;
  /** The bridge's error path (the route's error shape; a 5xx is logged with its cause). */
  fail(response: ServerResponse, error: unknown, requestId: string, exchange?: Exchange): void;
}

/**
 * The part every API route shares: the key's and tenant's allowed models, blocked ones and default
 * hints applied to the input (`keyManagement.prepare`), `adjust` for what a route changes after
 * that, then the engine. A failure is answered through `fail`, and the result is then undefined.
 */
export async function runExchange(
  runner: ExchangeRunner,
  input: ExchangeInput,
  caller: Caller,
  response: ServerResponse,
  adjust: (prepared: ExchangeInput) => ExchangeInput = (prepared) => prepared,
): Promise<{ exchange: Exchange; result: ChatResult } | undefined> {
  const { engine, keyManagement } = runner;
  const exchange = engine.createExchange(adjust(keyManagement === undefined ? input : await keyManagement.prepare(input, caller, engine)));
  try {
    return { exchange, result: await engine.run(exchange) };
  } catch (error) {
    runner.fail(response, error, exchange.id, exchange);
    return undefined;
  }
}
