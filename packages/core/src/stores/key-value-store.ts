/**
 * Small shared values with an expiry, e.g. a circuit breaker's state, so that every gateway
 * instance sees a breaker another one opened.
 */
export interface KeyValueStore {
  /** The value, or undefined when it is missing or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets the value; without `ttlMs` it never expires. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets the value only if the key is missing; true when it was set (a claim, e.g. "I probe the half-open breaker"). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}
