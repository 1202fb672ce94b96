/** The calendar periods limits count in, all in UTC. */
export type LimitPeriod = 'minute' | 'day' | 'week' | 'month';

/** One window of a period: counters for it live under `id` until `end`. */
export interface LimitWindow {
  id: string;
  start: number;
  end: number;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;

/**
 * The window of `period` that contains `now` (epoch ms). Windows are fixed and aligned (a minute
 * starts at :00, a week on Monday 00:00 UTC), so every gateway instance agrees on them without
 * talking to the others.
 */
export function windowOf(period: LimitPeriod, now: number): LimitWindow {
  switch (period) {
    case 'minute': {
      const start = now - (now % minuteMs);
      return { id: `m${start / minuteMs}`, start, end: start + minuteMs };
    }
    case 'day': {
      const start = now - (now % dayMs);
      return { id: `d${start / dayMs}`, start, end: start + dayMs };
    }
    case 'week': {
      const day = Math.floor(now / dayMs);
      // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
      const start = (day - ((day + 3) % 7)) * dayMs;
      return { id: `w${start / dayMs}`, start, end: start + 7 * dayMs };
    }
    case 'month': {
      const date = new Date(now);
      const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      return { id: `mo${date.getUTCFullYear()}-${date.getUTCMonth() + 1}`, start, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
    }
  }
}

/** How long a counter first used at `now` must live: to its window's end, plus slack for clock skew. */
export function ttlOf(window: LimitWindow, now: number): number {
  return window.end - now + minuteMs;
}
