/** The `type` field of an OpenAI-style error body. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'timeout_error'
  | 'server_error';

export interface RoutekitErrorOptions {
  /** HTTP status an adapter should answer with. */
  status: number;
  /** OpenAI's error type. */
  type: ErrorType;
  /** A stable machine-readable code, e.g. `model_not_found`. */
  code: string;
  /** The request field at fault, e.g. `messages[0].content`. */
  param?: string | null;
  /** The underlying error, kept for logs that are allowed to see it. */
  cause?: unknown;
}

/**
 * The one error base class of routekit. Messages are written for the API's user and never contain
 * prompt text or secrets, so adapters can return them as they are.
 */
export class RoutekitError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;

  constructor(message: string, options: RoutekitErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param ?? null;
  }
}

/** The request is malformed: bad JSON, a wrong type, an unknown model string. */
export class InvalidRequestError extends RoutekitError {
  constructor(message: string, options: { code?: string; param?: string | null; status?: number; cause?: unknown } = {}) {
    super(message, { status: options.status ?? 400, type: 'invalid_request_error', code: options.code ?? 'invalid_request', param: options.param, cause: options.cause });
  }
}

/** Missing or wrong credentials, or a caller outside the allowed networks. */
export class AuthenticationError extends RoutekitError {
  constructor(message: string, options: { code?: string; status?: number } = {}) {
    super(message, { status: options.status ?? 401, type: options.status === 403 ? 'permission_error' : 'authentication_error', code: options.code ?? 'invalid_api_key' });
  }
}

/** A resource (a receipt, a route) that does not exist. */
export class NotFoundError extends RoutekitError {
  constructor(message: string, options: { code?: string; param?: string | null } = {}) {
    super(message, { status: 404, type: 'not_found_error', code: options.code ?? 'not_found', param: options.param });
  }
}

/** A rate limit was reached; `retryAfterSeconds` says when the caller may try again. */
export class RateLimitedError extends RoutekitError {
  readonly retryAfterSeconds: number;
  readonly limit: string;

  constructor(message: string, options: { limit: string; retryAfterSeconds: number; code?: string }) {
    super(message, { status: 429, type: 'rate_limit_error', code: options.code ?? 'rate_limit_exceeded' });
    this.limit = options.limit;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A spend limit would be broken by this request. */
export class BudgetExceededError extends RoutekitError {
  readonly limit: string;
  readonly limitUsd: number;
  readonly spentUsd: number;

  constructor(message: string, options: { limit: string; limitUsd: number; spentUsd: number; status?: number }) {
    super(message, { status: options.status ?? 402, type: 'insufficient_quota', code: 'budget_exceeded' });
    this.limit = options.limit;
    this.limitUsd = options.limitUsd;
    this.spentUsd = options.spentUsd;
  }
}

/** The shared store behind limits (e.g. Redis) did not answer in time; the feature fails closed. */
export class StoreUnavailableError extends RoutekitError {
  readonly retryAfterSeconds: number;
  /** Which feature refused, e.g. `spend_limits`. */
  readonly feature: string;

  constructor(message: string, options: { feature: string; retryAfterSeconds?: number; cause?: unknown }) {
    super(message, { status: 503, type: 'server_error', code: 'store_unavailable', cause: options.cause });
    this.feature = options.feature;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

/** What went wrong with a provider, as far as deciding whether to try another model goes. */
export type ProviderFailure = 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'bad_response' | 'client_error';

/** A provider call failed; `retryable` failures may go to the next candidate. */
/** A provider's answers about the client's request itself: bad request, unknown model, too large, unprocessable. */
const clientStatuses = new Set([400, 404, 413, 422]);

export class ProviderFailedError extends RoutekitError {
  readonly provider: string;
  readonly model: string;
  readonly failure: ProviderFailure;
  readonly upstreamStatus: number | null;
  readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    options: { provider: string; model: string; failure: ProviderFailure; upstreamStatus?: number | null; retryAfterSeconds?: number | null; cause?: unknown },
  ) {
    // A provider's 429 stays a 429 so clients back off, and a 4xx that says the client's request is
    // wrong stays that 4xx; other failures (its refusal of the gateway's own credentials too) are the gateway's 502/504.
    const passedThrough = options.failure === 'client_error' && clientStatuses.has(options.upstreamStatus ?? 0);
    const status = options.failure === 'rate_limited' ? 429 : options.failure === 'timeout' ? 504 : passedThrough ? options.upstreamStatus! : 502;
    const type = options.failure === 'rate_limited' ? 'rate_limit_error' : options.failure === 'timeout' ? 'timeout_error' : passedThrough ? 'invalid_request_error' : 'upstream_error';
    super(message, { status, type, code: `provider_${options.failure}`, cause: options.cause });
    this.provider = options.provider;
    this.model = options.model;
    this.failure = options.failure;
    this.upstreamStatus = options.upstreamStatus ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  /** Whether another attempt (same or another model) can reasonably succeed. */
  get retryable(): boolean {
    return this.failure !== 'client_error';
  }
}

/** The configuration given to a factory is wrong; `key` names the offending option path. */
export class ConfigurationError extends RoutekitError {
  readonly key: string;

  constructor(message: string, options: { key: string; cause?: unknown }) {
    super(message, { status: 500, type: 'server_error', code: 'invalid_configuration', param: options.key, cause: options.cause });
    this.key = options.key;
  }
}
