/** How many failed authentications one address may make before it is locked out, and for how long. */
export interface LockoutOptions {
  /** Failed attempts from one address within `windowSeconds` that lock it. Default 10. */
  maxFailures?: number;
  /** The window the failures are counted in. Default 300 (5 minutes). */
  windowSeconds?: number;
  /** How long a locked address is refused, whatever key it sends. Default 900 (15 minutes). */
  lockSeconds?: number;
  /** Addresses tracked at once; the least recently failing are forgotten first. Default 100,000. */
  maxAddresses?: number;
}

/** Failed-attempt counting per client address, in process memory. */
export interface FailedAuthLockout {
  /** Seconds until the address may try again, or `null` when it is not locked. */
  lockedFor(address: string, now: number): number | null;
  /** Counts a failure; returns the lock's seconds when this failure locked the address. */
  recordFailure(address: string, now: number): number | null;
}

/**
 * Locks an address out after `maxFailures` failed attempts within `windowSeconds`: while locked,
 * even a right key is refused (429 with Retry-After), so guessing cannot go on by interleaving
 * one good key. State is per process: N instances allow up to N times the failures, which still
 * bounds guessing; the audit log (shared) records every failure for detection.
 *
 * @example
 * const lockout = createFailedAuthLockout({ maxFailures: 5, windowSeconds: 60, lockSeconds: 300 });
 */
export function createFailedAuthLockout(options: LockoutOptions = {}): FailedAuthLockout {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = (options.windowSeconds ?? 300) * 1000;
  const lockMs = (options.lockSeconds ?? 900) * 1000;
  const maxAddresses = options.maxAddresses ?? 100_000;
  // Map iteration order is insertion order: re-inserting on each failure keeps the oldest first.
  const entries = new Map<string, { failures: number[]; lockedUntil: number }>();

  return {
    lockedFor(address, now) {
      const entry = entries.get(address);
      if (entry === undefined || entry.lockedUntil <= now) return null;
      return Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000));
    },
    recordFailure(address, now) {
      const entry = entries.get(address) ?? { failures: [], lockedUntil: 0 };
      entries.delete(address);
      entry.failures = entry.failures.filter((time) => time > now - windowMs);
      entry.failures.push(now);
      let locked: number | null = null;
      if (entry.failures.length >= maxFailures) {
        entry.lockedUntil = now + lockMs;
        entry.failures = [];
        locked = Math.ceil(lockMs / 1000);
      }
      entries.set(address, entry);
      while (entries.size > maxAddresses) entries.delete(entries.keys().next().value!);
      return locked;
    },
  };
}
