// Redaction time for a 2,000-character prompt, against a plain String.prototype.replace pass
// measured in the same run. Target: < 0.2 ms per prompt with the default policy. Then a PII-dense
// pasted log of 250 KB, 1 MB and 2 MB in one request (issue 15 item 3).
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/redaction.ts
import { allPiiTypes, createPiiPolicy, type PiiPolicy } from '../packages/core/src/index.js';
import { DEFAULT_MAX_SCAN_CHARACTERS } from '../packages/core/src/guard/pii/pii-session.js';
import { redactRequest } from '../packages/core/src/guard/pii/redact-request.js';
import { chatBody } from './gateway/load.js';

const prose =
  'Thanks for getting back to me so quickly. I wanted to follow up on the order I placed last week, because the package still has not arrived and the tracking page has not changed in four days. ';
const personal =
  'You can reach me at maria.gonzalez@example.com or on +1-984-182-0190, and my card ends the way it always did: 4454794511390933. The invoice went to IBAN GB82 WEST 1234 5698 7654 32, and our server at 106.31.73.20 logged the failed call. ';

function prompt(withPii: boolean): string {
  let text = '';
  for (let index = 0; text.length < 2000; index++) text += withPii && index % 3 === 1 ? personal : prose;
  return text.slice(0, 2000);
}

/** Mean microseconds per call over several timed batches, after a warm-up; the median batch is reported. */
function measure(run: () => unknown, iterations: number): number {
  for (let index = 0; index < Math.min(iterations, 2000); index++) run();
  const batches: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    const started = performance.now();
    for (let index = 0; index < iterations; index++) run();
    batches.push(((performance.now() - started) * 1000) / iterations);
  }
  return batches.sort((a, b) => a - b)[3]!;
}

const emailOnly = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const redactWith = (policy: PiiPolicy, text: string) => () => policy.createSession().redact(text, 'prompt');
const defaults = createPiiPolicy();
const withNames = createPiiPolicy({ types: allPiiTypes });

const rows: Array<[string, number]> = [];
for (const [label, text] of [
  ['prompt with PII', prompt(true)],
  ['prompt without PII', prompt(false)],
] as const) {
  const baseline = measure(() => text.replace(emailOnly, '<EMAIL>'), 20_000);
  rows.push([`${label}: baseline (one String.replace, emails only)`, baseline]);
  rows.push([`${label}: routekit default policy`, measure(redactWith(defaults, text), 5_000)]);
  rows.push([`${label}: routekit with names (compromise)`, measure(redactWith(withNames, text), 10)]);
}

// Issue 15 item 3: one PII-dense pasted log (an e-mail, an IP, a phone, an SSN and a card per
// line) used to take 1.2 s at 250 KB and 9 s at 2 MB, blocking the event loop for every tenant
// (overlap resolution compared each match with every kept one). Timed once per size (median of
// three runs), with the scan bound raised so sizes past the default 1,000,000 characters run too.
let logSeed = 11;
const logRandom = () => ((logSeed = (logSeed * 1103515245 + 12345) % 2147483648) / 2147483648);
const logDigits = (count: number) => Array.from({ length: count }, () => Math.floor(logRandom() * 10)).join('');
function piiLog(characters: number, accents: boolean): string {
  const lines: string[] = [];
  for (let index = 0, length = 0; length < characters; index++) {
    const user = accents ? `josé${index}` : `user${index}`;
    lines.push(`2026-03-01T12:${logDigits(2)}:${logDigits(2)}Z INFO login ${user}@example.com ip=10.${index % 250}.${logDigits(1)}.${logDigits(1)} phone=+1-415-${logDigits(3)}-${logDigits(4)} ssn=${100 + (index % 800)}-${10 + (index % 80)}-${1000 + (index % 8000)} card=4111 1111 1111 1111`);
    length += lines.at(-1)!.length + 1;
  }
  return lines.join('\n').slice(0, characters);
}
const unbounded = createPiiPolicy({ maxScanCharacters: 100_000_000 });
function timeOnce(text: string): number {
  const times = [0, 1, 2].map(() => {
    const started = performance.now();
    unbounded.createSession({ nonce: true }).redact(text, 'content');
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[1]!;
}

console.log(`redaction of a 2,000-character prompt (node ${process.version})`);
for (let index = 0; index < rows.length; index += 3) {
  const baseline = rows[index]![1];
  for (const [label, microseconds] of rows.slice(index, index + 3)) {
    console.log(`${label.padEnd(62)} ${(microseconds / 1000).toFixed(4)} ms  x${(microseconds / baseline).toFixed(1)}`);
  }
}

// Issue 25: what PII costs a gateway request, in CPU time (steadier than wall time on a shared
// machine): the gateway benchmark's own body (bench/gateway/load.ts, a 2,000-character prompt
// ending in a counter), redacted as the middleware does (a session with a nonce per request).
function cpuMicros(run: (index: number) => unknown, iterations: number): number {
  for (let index = 0; index < iterations; index++) run(index);
  const batches: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    const before = process.cpuUsage();
    for (let index = 0; index < iterations; index++) run(index);
    const used = process.cpuUsage(before);
    batches.push((used.user + used.system) / iterations);
  }
  return batches.sort((a, b) => a - b)[3]!;
}
const bodies = Array.from({ length: 100 }, () => JSON.parse(chatBody('auto')) as { model: string; messages: Array<{ role: 'user'; content: string }> });
console.log(`\nthe gateway benchmark's request, CPU per request (median of 7 batches)`);
console.log(`${'detection of its prompt'.padEnd(62)} ${cpuMicros((index) => defaults.createSession().redact(bodies[index % 100]!.messages[0]!.content, 'prompt'), 5_000).toFixed(1)} µs`);
console.log(`${'the whole request, as the middleware redacts it'.padEnd(62)} ${cpuMicros((index) => redactRequest(bodies[index % 100]! as never, defaults.createSession({ nonce: true })), 5_000).toFixed(1)} µs`);

console.log('\nPII-dense pasted log (5 values per ~150-character line), one request');
for (const [label, characters, accents] of [['250 KB', 250_000, false], ['1 MB', 1_000_000, false], ['2 MB', 2_000_000, false], ['1 MB, non-ASCII (normalised path)', 1_000_000, true]] as const) {
  console.log(`${label.padEnd(62)} ${timeOnce(piiLog(characters, accents)).toFixed(0)} ms`);
}
console.log(`default bound: ${DEFAULT_MAX_SCAN_CHARACTERS.toLocaleString('en')} characters per request; more is refused with 413 pii_scan_limit`);
