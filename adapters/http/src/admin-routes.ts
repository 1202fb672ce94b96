import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AuthenticationError, ConfigurationError, InvalidRequestError, NotFoundError, parseConfig } from '@routekit/core';
import { apiKeyPolicySchema, type ApiKeyRecord, apiKeyStatus, auditEventsToJsonl, createAuditThrottle, type AuditEventType, type AuditQuery, isApiKeyId, parseTenantPreferences, type ProviderKeyStore } from '@routekit/operations';
import type { KeyManagement } from './key-management.js';
import { assertValueDepth } from './json-depth.js';
import type { Route, RouteContext } from './match-route.js';
import { assertJsonContentType, readJsonBody } from './read-json-body.js';

/** Admin request bodies are small; a key's policy is the largest. */
const adminBodyLimitBytes = 256 * 1024;

const createKeySchema = z.strictObject({
  tenant: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  environment: z.enum(['live', 'test']).optional(),
  admin: z.boolean().optional(),
  /** Seconds from now; or `expires_at`, an ISO time. */
  expires_in_seconds: z.number().int().positive().optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  allowed_models: apiKeyPolicySchema.shape.allowedModels,
  allowed_providers: apiKeyPolicySchema.shape.allowedProviders,
  ip_allowlist: apiKeyPolicySchema.shape.ipAllowlist,
  rate_limit: apiKeyPolicySchema.shape.rateLimit,
  spend_limit: apiKeyPolicySchema.shape.spendLimit,
});

const rotateKeySchema = z.strictObject({
  overlap_seconds: z.number().int().nonnegative().max(90 * 86_400).optional(),
  expires_in_seconds: z.number().int().positive().optional(),
});

const auditTypes: readonly AuditEventType[] = ['key.created', 'key.revoked', 'key.rotated', 'preferences.updated', 'provider_key.set', 'provider_key.deleted', 'configuration.changed', 'auth.failed', 'auth.locked_out', 'admin.read', 'admin.denied'];

/**
 * The admin API, for `createHttpBridge`'s route table: keys (create, list, read, revoke, rotate),
 * tenant routing preferences (read, replace) and the audit log (JSON, or JSONL with
 * `?format=jsonl`). Every route needs an admin caller (a key with `admin: true`, or the
 * configured admin key): anyone else gets 403 `admin_required`, audited (one row per address, key and
 * minute, and one row counting the rest). Every change and every
 * read is audited with the acting key's id, never a secret.
 *
 * @example
 * const routes = adminRoutes(keyManagement); // served under <prefix>/v1/admin/...
 */
export function adminRoutes(management: KeyManagement): Route[] {
  const { keys, audit, preferences } = management;
  // A key without admin rights hammering the admin API writes one row a minute with a count, not one per call.
  const denials = createAuditThrottle({ audit, now: () => management.now() });

  return [
    { method: 'POST', path: '/v1/admin/keys', serve: admin(createKey) },
    { method: 'GET', path: '/v1/admin/keys', serve: admin(listKeys) },
    { method: 'GET', path: '/v1/admin/keys/{id}', serve: admin(readKey) },
    // The route table's parameter takes the rest of the path: `{id}/revoke` and `{id}/rotate` land here.
    { method: 'POST', path: '/v1/admin/keys/{id}', serve: admin(changeKey) },
    // `{tenant}` takes the rest of the path: `{tenant}/preferences`, `{tenant}/provider-keys[/{provider}]`.
    { method: 'GET', path: '/v1/admin/tenants/{tenant}', serve: admin((context) => (isPreferences(context.parameter!) ? readPreferences(context) : listProviderKeys(context))) },
    { method: 'PUT', path: '/v1/admin/tenants/{tenant}', serve: admin((context) => (isPreferences(context.parameter!) ? writePreferences(context) : setProviderKey(context))) },
    { method: 'DELETE', path: '/v1/admin/tenants/{tenant}', serve: admin(deleteProviderKey) },
    { method: 'GET', path: '/v1/admin/audit', serve: admin(exportAudit) },
  ];

  function admin(serve: (context: RouteContext) => Promise<void>) {
    return async (context: RouteContext) => {
      if (!context.caller.admin) {
        const address = management.authenticated(context.caller)?.address ?? null;
        const actor = context.caller.apiKeyId ?? 'anonymous';
        await denials.append(`${address ?? ''}|${actor}`, { type: 'admin.denied', actor, tenant: context.caller.tenant, target: pathOf(context), address });
        throw new AuthenticationError('This API key may not use the admin API.', { status: 403, code: 'admin_required' });
      }
      await serve(context);
    };
  }

  function actorOf(context: RouteContext): string {
    return context.caller.apiKeyId ?? 'anonymous';
  }

  async function createKey(context: RouteContext): Promise<void> {
    const input = parseBody(createKeySchema, await bodyOf(context));
    if (input.expires_in_seconds !== undefined && input.expires_at !== undefined) throw new InvalidRequestError('Give expires_in_seconds or expires_at, not both.', { code: 'invalid_request', param: 'expires_at' });
    const now = management.now();
    const expiresAt = input.expires_in_seconds !== undefined ? now + input.expires_in_seconds * 1000 : input.expires_at !== undefined ? Date.parse(input.expires_at) : null;
    const { key, record } = await keys.create({
      tenant: input.tenant,
      name: input.name ?? null,
      environment: input.environment ?? 'live',
      admin: input.admin ?? false,
      expiresAt,
      policy: {
        ...(input.allowed_models && { allowedModels: input.allowed_models }),
        ...(input.allowed_providers && { allowedProviders: input.allowed_providers }),
        ...(input.ip_allowlist && { ipAllowlist: input.ip_allowlist }),
        ...(input.rate_limit && { rateLimit: input.rate_limit }),
        ...(input.spend_limit && { spendLimit: input.spend_limit }),
      },
    });
    await audit.append({ type: 'key.created', actor: actorOf(context), tenant: record.tenant, target: record.id, detail: { environment: record.environment, admin: record.admin, expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString() } });
    sendJson(context.response, 201, { ...keyView(record, management.now()), key });
  }

  async function listKeys(context: RouteContext): Promise<void> {
    const query = queryOf(context);
    const tenant = query.get('tenant') ?? undefined;
    const records = await keys.list({ ...(tenant !== undefined && { tenant }), limit: limitOf(query) });
    await audit.append({ type: 'admin.read', actor: actorOf(context), tenant: tenant ?? null, target: '/v1/admin/keys' });
    sendJson(context.response, 200, { object: 'list', data: records.map((record) => keyView(record, management.now())) });
  }

  async function readKey(context: RouteContext): Promise<void> {
    const record = await recordOf(context.parameter!);
    await audit.append({ type: 'admin.read', actor: actorOf(context), tenant: record.tenant, target: record.id });
    sendJson(context.response, 200, keyView(record, management.now()));
  }

  async function changeKey(context: RouteContext): Promise<void> {
    const [id = '', action, ...rest] = context.parameter!.split('/');
    if (rest.length > 0 || (action !== 'revoke' && action !== 'rotate')) {
      throw new NotFoundError('No admin route at this path; keys take POST /v1/admin/keys/{id}/revoke and POST /v1/admin/keys/{id}/rotate.', { code: 'unknown_url' });
    }
    if (action === 'revoke') {
      await recordOf(id);
      const record = (await keys.revoke(id))!;
      await audit.append({ type: 'key.revoked', actor: actorOf(context), tenant: record.tenant, target: record.id });
      sendJson(context.response, 200, keyView(record, management.now()));
      return;
    }
    const body = await bodyOf(context, true);
    const input = parseBody(rotateKeySchema, body ?? {});
    await recordOf(id);
    const overlapSeconds = input.overlap_seconds ?? management.rotationOverlapSeconds;
    const rotated = (await keys.rotate(id, { overlapSeconds, ...(input.expires_in_seconds !== undefined && { expiresAt: management.now() + input.expires_in_seconds * 1000 }) }))!;
    await audit.append({ type: 'key.rotated', actor: actorOf(context), tenant: rotated.record.tenant, target: id, detail: { replaced_by: rotated.record.id, overlap_seconds: overlapSeconds } });
    sendJson(context.response, 201, { ...keyView(rotated.record, management.now()), key: rotated.key, previous: keyView(rotated.previous, management.now()) });
  }

  async function readPreferences(context: RouteContext): Promise<void> {
    const tenant = tenantOf(context.parameter!);
    const found = await preferences.get(tenant);
    await audit.append({ type: 'admin.read', actor: actorOf(context), tenant, target: `/v1/admin/tenants/${tenant}/preferences` });
    sendJson(context.response, 200, { object: 'tenant.preferences', tenant, preferences: found });
  }

  async function writePreferences(context: RouteContext): Promise<void> {
    const tenant = tenantOf(context.parameter!);
    const value = parseTenantPreferences(await bodyOf(context));
    const previous = await preferences.put(tenant, value);
    await audit.append({ type: 'preferences.updated', actor: actorOf(context), tenant, target: tenant, detail: { previous, current: value } });
    sendJson(context.response, 200, { object: 'tenant.preferences', tenant, preferences: value });
  }

  /** A tenant's BYOK keys, by provider, with the last characters only. */
  async function listProviderKeys(context: RouteContext): Promise<void> {
    const { tenant } = tenantPath(context.parameter!, 'provider-keys');
    const store = providerKeyStore();
    await audit.append({ type: 'admin.read', actor: actorOf(context), tenant, target: `/v1/admin/tenants/${tenant}/provider-keys` });
    sendJson(context.response, 200, { object: 'list', data: await store.list(tenant) });
  }

  /** Seals and stores a tenant's own key for a provider: `PUT …/provider-keys/{provider}` with `{ "api_key": "…" }`. */
  async function setProviderKey(context: RouteContext): Promise<void> {
    const { tenant, provider } = tenantPath(context.parameter!, 'provider-keys', true);
    const body = await bodyOf(context);
    const apiKey = typeof body === 'object' && body !== null && Object.hasOwn(body, 'api_key') ? (body as { api_key: unknown }).api_key : undefined;
    if (typeof apiKey !== 'string' || apiKey === '') throw new InvalidRequestError('Send { "api_key": "<the provider key>" }.', { code: 'invalid_request', param: 'api_key' });
    const summary = await providerKeyStore().set(tenant, provider!, apiKey);
    await audit.append({ type: 'provider_key.set', actor: actorOf(context), tenant, target: provider! });
    sendJson(context.response, 200, { object: 'provider_key', ...summary });
  }

  async function deleteProviderKey(context: RouteContext): Promise<void> {
    const { tenant, provider } = tenantPath(context.parameter!, 'provider-keys', true);
    const deleted = await providerKeyStore().delete(tenant, provider!);
    if (!deleted) throw new NotFoundError('This tenant has no key for this provider.', { code: 'provider_key_not_found' });
    await audit.append({ type: 'provider_key.deleted', actor: actorOf(context), tenant, target: provider! });
    sendJson(context.response, 200, { object: 'provider_key', tenant, provider, deleted: true });
  }

  function providerKeyStore(): ProviderKeyStore {
    if (management.providerKeys === undefined) throw new NotFoundError('Provider keys per tenant need ROUTEKIT_MASTER_KEY (32 bytes: openssl rand -base64 32) on the gateway.', { code: 'byok_not_configured' });
    return management.providerKeys;
  }

  async function exportAudit(context: RouteContext): Promise<void> {
    const query = queryOf(context);
    const format = query.get('format') ?? 'json';
    if (format !== 'json' && format !== 'jsonl') throw new InvalidRequestError('format must be json or jsonl.', { code: 'invalid_request', param: 'format' });
    const type = query.get('type');
    if (type !== null && !auditTypes.includes(type as AuditEventType)) throw new InvalidRequestError(`type must be one of ${auditTypes.join(', ')}.`, { code: 'invalid_request', param: 'type' });
    const filter: AuditQuery = { limit: limitOf(query) };
    const after = query.get('after');
    if (after !== null) filter.after = integerOf(after, 'after');
    const since = query.get('since');
    if (since !== null) filter.since = timeOf(since, 'since');
    const until = query.get('until');
    if (until !== null) filter.until = timeOf(until, 'until');
    if (type !== null) filter.type = type as AuditEventType;
    const tenant = query.get('tenant');
    if (tenant !== null) filter.tenant = tenant;
    // Recorded before the read, so an export always shows who exported.
    await audit.append({ type: 'admin.read', actor: actorOf(context), tenant: tenant, target: '/v1/admin/audit', detail: { format } });
    const events = await audit.list(filter);
    if (format === 'jsonl') {
      const text = auditEventsToJsonl(events);
      context.response.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      context.response.end(text);
      return;
    }
    sendJson(context.response, 200, { object: 'list', data: events });
  }

  async function recordOf(id: string): Promise<ApiKeyRecord> {
    const record = isApiKeyId(id) ? await keys.get(id) : undefined;
    if (record === undefined) throw new NotFoundError('No API key with this id.', { code: 'key_not_found', param: 'id' });
    return record;
  }
}

/** `{tenant}/preferences` is the only resource under a tenant. */
function isPreferences(parameter: string): boolean {
  return parameter.endsWith('/preferences');
}

function tenantOf(parameter: string): string {
  return tenantPath(parameter, 'preferences').tenant;
}

/** `{tenant}/preferences`, `{tenant}/provider-keys` or `{tenant}/provider-keys/{provider}`; anything else is a 404. */
function tenantPath(parameter: string, expected: 'preferences' | 'provider-keys', needsProvider = false): { tenant: string; resource: 'preferences' | 'provider-keys'; provider?: string } {
  const match = /^([^/]{1,200})\/(preferences|provider-keys)(?:\/([^/]{1,100}))?$/.exec(parameter);
  const resource = match?.[2] as 'preferences' | 'provider-keys' | undefined;
  const provider = match?.[3];
  if (match === null || resource !== expected || (resource === 'preferences' && provider !== undefined) || (resource === 'provider-keys' && needsProvider !== (provider !== undefined))) {
    throw new NotFoundError('No admin route at this path; tenants take GET and PUT /v1/admin/tenants/{tenant}/preferences, GET /v1/admin/tenants/{tenant}/provider-keys, and PUT and DELETE /v1/admin/tenants/{tenant}/provider-keys/{provider}.', { code: 'unknown_url' });
  }
  return { tenant: match[1]!, resource: resource!, ...(provider !== undefined && { provider }) };
}

/** How the admin API shows a key: never its secret or hash; `prefix` is what its owner sees at the start of it. */
export function keyView(record: ApiKeyRecord, now: number = Date.now()) {
  const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
  return {
    object: 'api_key',
    id: record.id,
    prefix: `rk_${record.environment}_${record.id}`,
    environment: record.environment,
    tenant: record.tenant,
    name: record.name,
    admin: record.admin,
    status: apiKeyStatus(record, now),
    created_at: iso(record.createdAt),
    expires_at: iso(record.expiresAt),
    revoked_at: iso(record.revokedAt),
    replaced_by: record.replacedBy,
    overlap_until: iso(record.overlapUntil),
    rotated_from: record.rotatedFrom,
    allowed_models: record.policy.allowedModels ?? null,
    allowed_providers: record.policy.allowedProviders ?? null,
    ip_allowlist: record.policy.ipAllowlist ?? null,
    rate_limit: record.policy.rateLimit ?? null,
    spend_limit: record.policy.spendLimit ?? null,
  };
}

async function bodyOf(context: RouteContext, optional = false): Promise<unknown> {
  const { request, body } = context;
  // A framework body parser that ran first has consumed the stream; its result is then the body.
  if (body !== undefined && request.readableEnded) {
    assertValueDepth(body);
    return body;
  }
  if (optional && (request.headers['content-length'] === '0' || (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined))) return undefined;
  assertJsonContentType(request);
  return readJsonBody(request, adminBodyLimitBytes);
}

function parseBody<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  try {
    return parseConfig(schema, value);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new InvalidRequestError(error.message, { code: 'invalid_request', param: error.key });
    throw error;
  }
}

function queryOf(context: RouteContext): URLSearchParams {
  return new URL(context.request.url ?? '/', 'http://localhost').searchParams;
}

function pathOf(context: RouteContext): string {
  return (context.request.url ?? '/').split('?')[0]!;
}

function limitOf(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return 1000;
  const value = integerOf(text, 'limit');
  if (value < 1 || value > 10_000) throw new InvalidRequestError('limit must be between 1 and 10000.', { code: 'invalid_request', param: 'limit' });
  return value;
}

function integerOf(text: string, param: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new InvalidRequestError(`${param} must be a whole number.`, { code: 'invalid_request', param });
  return Number(text);
}

/** An ISO time or epoch milliseconds. */
function timeOf(text: string, param: string): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw new InvalidRequestError(`${param} must be an ISO time or epoch milliseconds.`, { code: 'invalid_request', param });
  return value;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}
