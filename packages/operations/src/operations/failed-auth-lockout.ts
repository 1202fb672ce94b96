/** How many failed authentications one subject (an address, a key id) may make before it is locked, and for how long. */
export interface LockoutOptions {
  /** Failed attempts of one subject within `windowSeconds` that lock it. Default 10. */
  maxFailures?: number;
  /** The window the failures are counted in. Default 300 (5 minutes). */
  windowSeconds?: number;
  /** How long a locked subject's failing attempts are answered 429. Default 900 (15 minutes). */
  lockSeconds?: number;
  /** Subjects tracked at once; the least recently failing are forgotten first. Default 100,000. */
  maxAddresses?: number;
}

/**
 * Failed-attempt counting per subject (`address:<ip>`, `key:<id>`): in process memory
 * (`createFailedAuthLockout`) or on Redis, shared by every replica (`createRedisFailedAuthLockout`).
 */
export interface FailedAuthLockout {
  /** Seconds until the subject's lock ends, or `null` when it is not locked. */
  lockedFor(subject: string, now: number): Promise<number | null>;
  /** Counts a failure; resolves to the lock's seconds when this failure locked the subject (not when it was already locked). */
  recordFailure(subject: string, now: number): Promise<number | null>;
  /** Releases a connection the lockout opened. */
  close?(): Promise<void>;
}

/** Whether a value is a ready lockout (rather than the options for one). */
export function isFailedAuthLockout(value: unknown): value is FailedAuthLockout {
  return typeof value === 'object' && value !== null && typeof (value as FailedAuthLockout).recordFailure === 'function' && typeof (value as FailedAuthLockout).lockedFor === 'function';
}

/** The lockout an authenticator uses: a ready one as it is, else one in memory with these options; `undefined` for `false`. */
export function lockoutFrom(option: LockoutOptions | FailedAuthLockout | false | undefined): FailedAuthLockout | undefined {
  if (option === false) return undefined;
  return isFailedAuthLockout(option) ? option : createFailedAuthLockout(option);
}

/**
 * Locks a subject after `maxFailures` failed attempts within `windowSeconds`. The authenticator
 * asks it only about requests that failed: a right key is always admitted, so one caller's wrong
 * keys never lock out another caller behind the same address (a load balancer without
 * `trustedProxies`); a locked subject's failures get 429 with Retry-After and no audit row each.
 * Failures during a lock keep counting, so a guesser that keeps going stays locked. This one keeps
 * its state in process memory: N instances would allow N times the failures, so replicas behind a
 * load balancer share `createRedisFailedAuthLockout` instead (which falls back to this one while
 * Redis is down).
 *
 * @example
 * const lockout = createFailedAuthLockout({ maxFailures: 5, windowSeconds: 60, lockSeconds: 300 });
 */
export function createFailedAuthLockout(options: LockoutOptions = {}): FailedAuthLockout {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = (options.windowSeconds ?? 300) * 1000;
  const lockMs = (options.lockSeconds ?? 900) * 1000;
  const maxSubjects = options.maxAddresses ?? 100_000;
  // Map iteration order is insertion order: re-inserting on each failure keeps the oldest first.
  const entries = new Map<string, { failures: number[]; lockedUntil: number }>();

  return {
    async lockedFor(subject, now) {
      const entry = entries.get(subject);
      if (entry === undefined || entry.lockedUntil <= now) return null;
      return Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000));
    },
    async recordFailure(subject, now) {
      const entry = entries.get(subject) ?? { failures: [], lockedUntil: 0 };
      entries.delete(subject);
      entry.failures = entry.failures.filter((time) => time > now - windowMs);
      entry.failures.push(now);
      let locked: number | null = null;
      if (entry.failures.length >= maxFailures) {
        // Only a lock that was not already running is news (one auth.locked_out per lock).
        if (entry.lockedUntil <= now) locked = Math.ceil(lockMs / 1000);
        entry.lockedUntil = now + lockMs;
        entry.failures = [];
      }
      entries.set(subject, entry);
      while (entries.size > maxSubjects) entries.delete(entries.keys().next().value!);
      return locked;
    },
  };
}
