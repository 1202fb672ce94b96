// The server side of routekit: durable stores (SQLite by default, PostgreSQL for many instances),
// API keys, tenant preferences, the audit log, content retention, webhooks, BYOK provider keys and
// recommendations. The HTTP gateway and the CLI use it; in-process adapters never load it.
export type { SqlDatabase, SqlDialect } from './storage/sql-database.js';
export { openSqliteDatabase, type SqliteDatabaseOptions } from './storage/sqlite-database.js';
export { openPostgresDatabase, type PostgresDatabaseOptions, type PostgresConnectionSettings } from './storage/postgres-database.js';
export { migrate, type Migration } from './storage/migrate.js';
export { createSqlReceiptStore, receiptMigrations, type SqlReceiptStoreOptions, type DurableReceiptStore } from './storage/sql-receipt-store.js';
export { rebuildUsageRollup, usageRollupMigrations } from './storage/usage-rollup.js';
export { createSqlOutcomeStore, outcomeMigrations, type DurableOutcomeStore, type SqlOutcomeStoreOptions } from './storage/sql-outcome-store.js';
export { createSqlRouterRegistry, routerRegistryMigrations, type RouterRegistry, type RouterVersion, type RouterWatch } from './storage/sql-router-registry.js';
export { retrainFromOutcomes, type Retrain, type RetrainOptions } from './learning/retrain-from-outcomes.js';
export { createSqlScheduleLease, scheduleLeaseMigrations, type ScheduleLease, type ScheduleLeaseOptions } from './storage/sql-schedule-lease.js';
export { createWebhookOutbox, type WebhookOutbox, type WebhookOutboxOptions, type WebhookDelivery } from './webhooks/webhook-outbox.js';
export { parseWebhookEndpoints, webhookOutboxMigrations, type WebhookEndpoint } from './webhooks/webhook-outbox-schema.js';
export { signWebhookPayload, verifyWebhookSignature, webhookSignatureHeader, webhookIdHeader, type VerifyWebhookSignatureOptions } from './webhooks/webhook-signature.js';
export { createWebhookNotifier, keyExpiryNoticeDue, keyExpiryNoticeDays, type WebhookNotifier } from './webhooks/webhook-notifier.js';
export { createKeyExpiryWatch, type KeyExpiryWatch, type KeyExpiryWatchOptions } from './webhooks/key-expiry-watch.js';
export { webhookEventTypes, statusOfCircuit, type WebhookEvent, type WebhookEventMap, type WebhookEventType, type KeyExpiringNotice, type ServiceStatusChange } from './webhooks/webhook-events.js';
export { parseMasterKey, masterKeyFromEnvironment, masterKeyVariable, type MasterKey } from './byok/master-key.js';
export { sealProviderKey, openProviderKey, ProviderKeyUnreadableError, type SealedProviderKey } from './byok/envelope-encryption.js';
export { createSqlProviderKeyStore, providerKeyMigrations, type ProviderKeyStore, type ProviderKeyResolver, type ProviderKeySummary, type SqlProviderKeyStoreOptions } from './byok/sql-provider-key-store.js';
export { recommendModelMoves, type ModelMoveRecommendation, type RecommendModelMovesOptions } from './recommendations/recommend-model-moves.js';
export { recommendationsReport, type RecommendationsReport, type RecommendationsReportOptions } from './recommendations/recommendations-report.js';
export { createContentRetention, contentRetentionMigrations, type ContentRetention, type RetainedContent } from './operations/content-retention.js';
export { generateApiKey, parseApiKey, hashApiKeyToken, isApiKeyId, type ApiKeyEnvironment, type ParsedApiKey } from './operations/api-key-token.js';
export { apiKeyPolicySchema, cidrListSchema, type ApiKeyPolicy } from './operations/api-key-policy.js';
export { createSqlApiKeyStore, apiKeyStatus, apiKeyMigrations, type ApiKeyStore, type ApiKeyRecord, type ApiKeyStatus, type NewApiKey, type SqlApiKeyStoreOptions } from './operations/sql-api-key-store.js';
export { createSqlAuditLog, auditEventsToJsonl, auditMigrations, type AuditLog, type AuditEvent, type AuditEventInput, type AuditEventType, type AuditQuery } from './operations/sql-audit-log.js';
export { createSqlTenantPreferenceStore, parseTenantPreferences, tenantPreferencesSchema, tenantPreferenceMigrations, type TenantPreferences, type TenantPreferenceStore } from './operations/tenant-preferences.js';
export { applyAccessPolicy, isModelAllowed, type AccessRules } from './operations/access-policy.js';
export { createKeyAuthenticator, invalidKeyMessage, type KeyAuthenticator, type KeyAuthenticatorOptions, type AuthenticatedKey, type PresentedCredentials } from './operations/key-authenticator.js';
export { createKeyLimits, type KeyLimits, type KeyLimitsOptions } from './operations/key-limits.js';
export { createFailedAuthLockout, isFailedAuthLockout, lockoutFrom, type FailedAuthLockout, type LockoutOptions } from './operations/failed-auth-lockout.js';
export { createRedisFailedAuthLockout, type RedisFailedAuthLockoutOptions } from './operations/redis-failed-auth-lockout.js';
export { createAuditThrottle, type AuditThrottle, type AuditThrottleOptions } from './operations/audit-throttle.js';
export { createAddressMatcher, normaliseAddress, type AddressMatcher } from './operations/address-matcher.js';
export { clientAddress } from './operations/client-address.js';
