import { ConfigurationError } from '@routekit/core';

const unitMs: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/**
 * A duration such as `6h`, `30m` or `1h30m` (units d, h, m, s, each at most once, largest first)
 * in ms, from `minimumMs` to a year. Anything else (`6`, `6 hours`, `1.5h`, `30m1h`) is a
 * ConfigurationError naming `key`: a typo must not turn into a schedule nobody meant.
 */
export function parseDuration(text: string | undefined, key: string, minimumMs: number): number {
  const match = text === undefined ? null : /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  const parts = match?.slice(1) ?? [];
  const ms = parts.reduce((total, part, index) => total + (part === undefined ? 0 : Number(part) * Object.values(unitMs)[index]!), 0);
  if (match === null || parts.every((part) => part === undefined) || ms < minimumMs || ms > 365 * unitMs.d!) {
    throw new ConfigurationError(`${key} must be a duration such as 6h, 30m or 1h30m (d, h, m, s), from ${describe(minimumMs)} to 365d, got ${JSON.stringify(text)}.`, { key });
  }
  return ms;
}

function describe(ms: number): string {
  const unit = Object.entries(unitMs).find(([, size]) => ms % size === 0)!;
  return `${ms / unit[1]}${unit[0]}`;
}
