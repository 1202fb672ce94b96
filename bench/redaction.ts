// Redaction time for a 2,000-character prompt, against a plain String.prototype.replace pass
// measured in the same run. Target: < 0.2 ms per prompt with the default policy.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/redaction.ts
import { allPiiTypes, createPiiPolicy, type PiiPolicy } from '../packages/core/src/index.js';

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
  rows.push([`${label}: routekit default policy`, measure(redactWith(defaults, text), 20_000)]);
  rows.push([`${label}: routekit with names (compromise)`, measure(redactWith(withNames, text), 20)]);
}

console.log(`redaction of a 2,000-character prompt (node ${process.version})`);
for (let index = 0; index < rows.length; index += 3) {
  const baseline = rows[index]![1];
  for (const [label, microseconds] of rows.slice(index, index + 3)) {
    console.log(`${label.padEnd(62)} ${(microseconds / 1000).toFixed(4)} ms  x${(microseconds / baseline).toFixed(1)}`);
  }
}
