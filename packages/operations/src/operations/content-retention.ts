import type { ChatRequest, ChatResult, EngineMiddleware } from '@routekit/core';
import { migrate, type Migration } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';
import type { TenantPreferenceStore } from './tenant-preferences.js';

/** What was kept of one request, for a tenant that opted in. */
export interface RetainedContent {
  request_id: string;
  tenant: string;
  /** The request as it went to the model: after PII redaction (placeholders, never the values). */
  messages: ChatRequest['messages'];
  /** The answer's text as the model gave it, before placeholders were restored. */
  answer: string;
  retained_until: string;
}

export const contentRetentionMigrations: readonly Migration[] = [
  {
    id: '0104-retained-content',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_retained_content (request_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, messages TEXT NOT NULL, answer TEXT NOT NULL, retained_until INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_retained_content_until ON routekit_retained_content (retained_until);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_retained_content (request_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, messages TEXT NOT NULL, answer TEXT NOT NULL, retained_until BIGINT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_retained_content_until ON routekit_retained_content (retained_until);`,
  },
];

export interface ContentRetention {
  /** Goes after PII redaction in the engine's middleware: it sees the redacted request and the unrestored answer. */
  readonly middleware: EngineMiddleware;
  /** A request's kept content, for its own tenant; undefined when none is kept (or it expired). */
  get(requestId: string, tenant: string): Promise<RetainedContent | undefined>;
  /** Deletes what is past its retention; returns how many rows went. Runs on its own every hour too. */
  expire(): Promise<number>;
  close(): void;
}

/**
 * Seed 002's content retention: by default no prompt or answer text is stored; a tenant whose
 * preferences set `content_retention_days` has its prompts (after PII redaction) and answers kept
 * for that long, then deleted. The write happens after the answer is sent and never fails a request.
 *
 * @example
 * const retention = await createContentRetention({ database, preferences });
 * new Engine({ call, pii: true, middleware: [retention.middleware] });
 */
export async function createContentRetention(options: { database: SqlDatabase; preferences: TenantPreferenceStore; now?: () => number }): Promise<ContentRetention> {
  const { database, preferences } = options;
  const clock = options.now ?? Date.now;
  await migrate(database, contentRetentionMigrations);
  const expire = () => database.execute('DELETE FROM routekit_retained_content WHERE retained_until <= $1', [clock()]);
  const timer = setInterval(() => void expire().catch(() => undefined), 3_600_000);
  timer.unref();

  const keep = async (requestId: string, tenant: string, request: ChatRequest, answer: string, days: number) => {
    const until = clock() + days * 86_400_000;
    const conflict = database.dialect === 'postgres' ? ' ON CONFLICT (request_id) DO NOTHING' : '';
    await database.execute(`INSERT ${database.dialect === 'sqlite' ? 'OR IGNORE ' : ''}INTO routekit_retained_content (request_id, tenant, messages, answer, retained_until) VALUES ($1, $2, $3, $4, $5)${conflict}`, [requestId, tenant, JSON.stringify(request.messages), answer, until]);
  };

  const middleware: EngineMiddleware = {
    name: 'content-retention',
    async wrapRequest(exchange, next) {
      const days = (await preferences.get(exchange.tenant)).content_retention_days;
      const result: ChatResult = await next();
      if (days === undefined) return result;
      const request = exchange.request;
      const store = (answer: string) => void keep(exchange.id, exchange.tenant, request, answer, days).catch(() => undefined);
      if (result.type === 'response') {
        store(result.response.choices.map((choice) => choice.message.content ?? '').join('\n'));
        return result;
      }
      return { type: 'stream', stream: collect(result.stream, store) };
    },
  };

  return {
    middleware,
    async get(requestId, tenant) {
      const rows = await database.query<{ messages: string; answer: string; retained_until: number | string }>('SELECT messages, answer, retained_until FROM routekit_retained_content WHERE request_id = $1 AND tenant = $2 AND retained_until > $3', [requestId, tenant, clock()]);
      if (rows.length === 0) return undefined;
      const row = rows[0]!;
      return { request_id: requestId, tenant, messages: JSON.parse(row.messages) as ChatRequest['messages'], answer: row.answer, retained_until: new Date(Number(row.retained_until)).toISOString() };
    },
    expire,
    close: () => clearInterval(timer),
  };
}

/** Passes a stream through and hands its text to `done` when it completes (a cut stream keeps nothing). */
async function* collect<Chunk extends { choices: Array<{ delta?: { content?: string | null } }> }>(stream: AsyncIterable<Chunk>, done: (text: string) => void): AsyncGenerator<Chunk> {
  const parts: string[] = [];
  for await (const chunk of stream) {
    for (const choice of chunk.choices) if (typeof choice.delta?.content === 'string') parts.push(choice.delta.content);
    yield chunk;
  }
  done(parts.join(''));
}
