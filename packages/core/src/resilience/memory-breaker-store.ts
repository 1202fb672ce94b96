import type { Admission, BreakerSettings, BreakerStore, BreakerView, CallOutcome, CircuitState } from './breaker-store.js';

interface WindowSlot {
  bucket: number;
  calls: number;
  failures: number;
  slow: number;
}

interface EndpointRecord {
  state: CircuitState;
  openedAt: number;
  probes: number;
  probeRoundAt: number;
  /** Timeouts in a row while closed. */
  timeouts: number;
  slots: WindowSlot[];
}

/**
 * Breaker state in process memory, for one instance. The Redis store runs the same transitions in
 * Lua; both pass breaker-store-suite.ts.
 *
 * @example
 * const breaker = new CircuitBreaker({ store: createMemoryBreakerStore() });
 */
export function createMemoryBreakerStore(): BreakerStore {
  const records = new Map<string, EndpointRecord>();
  const recordOf = (endpoint: string): EndpointRecord => {
    let record = records.get(endpoint);
    if (record === undefined) {
      record = { state: 'closed', openedAt: 0, probes: 0, probeRoundAt: 0, timeouts: 0, slots: [] };
      records.set(endpoint, record);
    }
    return record;
  };

  return {
    shared: false,
    async views(endpoints, now, settings) {
      return endpoints.map((endpoint) => viewOf(records.get(endpoint), now, settings));
    },
    async admit(endpoint, now, settings) {
      return admitSync(recordOf(endpoint), now, settings);
    },
    async record(endpoint, outcome, now, settings) {
      const record = recordOf(endpoint);
      recordSync(record, outcome, now, settings);
      return viewOf(record, now, settings);
    },
  };
}

function viewOf(record: EndpointRecord | undefined, now: number, settings: BreakerSettings): BreakerView {
  if (record === undefined || record.state === 'closed') return { state: 'closed', openUntil: null };
  if (record.state === 'open' && now < record.openedAt + settings.openMs) return { state: 'open', openUntil: record.openedAt + settings.openMs };
  return { state: 'half_open', openUntil: null };
}

function admitSync(record: EndpointRecord, now: number, settings: BreakerSettings): Admission {
  if (record.state === 'closed') return { allowed: true, probe: false, state: 'closed' };
  if (record.state === 'open') {
    if (now < record.openedAt + settings.openMs) return { allowed: false, probe: false, state: 'open' };
    record.state = 'half_open';
    record.probes = 0;
    record.probeRoundAt = now;
  }
  if (record.probes >= settings.halfOpenProbes) {
    // Probes that never report (a client that left) must not hold the circuit half-open for ever.
    if (now < record.probeRoundAt + settings.openMs) return { allowed: false, probe: false, state: 'half_open' };
    record.probes = 0;
    record.probeRoundAt = now;
  }
  record.probes += 1;
  return { allowed: true, probe: true, state: 'half_open' };
}

function recordSync(record: EndpointRecord, outcome: CallOutcome, now: number, settings: BreakerSettings): void {
  const bad = outcome.failed || outcome.slow;
  if (record.state !== 'closed') {
    // Only a probe's outcome moves a half-open circuit; late results of calls admitted before it opened do not.
    if (!outcome.probe || record.state !== 'half_open') return;
    if (bad) open(record, now);
    else Object.assign(record, { state: 'closed', probes: 0, timeouts: 0, slots: [] });
    return;
  }
  record.timeouts = outcome.timedOut === true ? record.timeouts + 1 : 0;
  if (settings.consecutiveTimeouts > 0 && record.timeouts >= settings.consecutiveTimeouts) return open(record, now);
  const bucket = Math.floor(now / settings.bucketMs);
  const index = bucket % settings.buckets;
  let slot = record.slots[index];
  if (slot === undefined || slot.bucket !== bucket) {
    slot = { bucket, calls: 0, failures: 0, slow: 0 };
    record.slots[index] = slot;
  }
  slot.calls += 1;
  if (outcome.failed) slot.failures += 1;
  if (outcome.slow) slot.slow += 1;
  let calls = 0;
  let failures = 0;
  let slow = 0;
  for (const each of record.slots) {
    if (each === undefined || each.bucket <= bucket - settings.buckets) continue;
    calls += each.calls;
    failures += each.failures;
    slow += each.slow;
  }
  if (calls >= settings.minimumCalls && (failures >= settings.failureRateThreshold * calls || slow >= settings.slowCallRateThreshold * calls)) open(record, now);
}

function open(record: EndpointRecord, now: number): void {
  record.state = 'open';
  record.openedAt = now;
  record.probes = 0;
  record.timeouts = 0;
  record.slots = [];
}
