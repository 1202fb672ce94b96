// Recall of leaked values per type and words wrongly redacted, on presidio-research's synthetic set.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx scripts/pii-eval.ts [--names] [path.jsonl]
import { readFileSync } from 'node:fs';
import { allPiiTypes, createPiiDetection, defaultPiiTypes } from '../packages/core/src/guard/pii/pii-detection.js';
import { PiiSession } from '../packages/core/src/guard/pii/pii-session.js';

interface Row {
  text: string;
  spans: { type: string; value: string; start: number; end: number }[];
}

const withNames = process.argv.includes('--names');
const path = process.argv.slice(2).find((argument) => !argument.startsWith('--')) ?? '../shared/data/pii/synth_dataset_v2.jsonl';
const rows: Row[] = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
// The labels' names, mapped to ours; street addresses and countries count as locations.
const labelType: Record<string, string> = {
  CREDIT_CARD: 'CREDIT_CARD', IBAN_CODE: 'IBAN', EMAIL_ADDRESS: 'EMAIL', IP_ADDRESS: 'IP_ADDRESS', US_SSN: 'US_SSN',
  PHONE_NUMBER: 'PHONE', PERSON: 'PERSON', GPE: 'LOCATION', STREET_ADDRESS: 'LOCATION',
};
const detect = createPiiDetection({ types: withNames ? allPiiTypes : defaultPiiTypes });

function evaluate(subset: Row[]) {
  const perType = new Map<string, { labelled: number; gone: number }>();
  let outsideWords = 0;
  let wronglyRedacted = 0;
  for (const row of subset) {
    const session = new PiiSession(detect, () => 'redact');
    const output = session.redact(row.text, 'text');
    for (const span of row.spans) {
      const type = labelType[span.type];
      if (type === undefined) continue;
      const entry = perType.get(type) ?? { labelled: 0, gone: 0 };
      entry.labelled++;
      if (!output.includes(span.value)) entry.gone++;
      perType.set(type, entry);
    }
    const matches = detect(row.text);
    for (const word of row.text.matchAll(/\S+/g)) {
      const start = word.index;
      const end = start + word[0].length;
      if (row.spans.some((span) => start < span.end && end > span.start)) continue;
      outsideWords++;
      if (matches.some((match) => start < match.end && end > match.start)) wronglyRedacted++;
    }
  }
  return { perType, outsideWords, wronglyRedacted };
}

// Two disjoint parts show how much the numbers move between rows; the detectors were tuned on
// examples from the whole file, so neither part is a true held-out set.
const parts = { 'rows 1-4 of 5': rows.filter((_, index) => index % 5 !== 0), 'every 5th row': rows.filter((_, index) => index % 5 === 0), all: rows };
console.log(`PII leak-recall on ${path} (${rows.length} rows), names ${withNames ? 'on' : 'off'}`);
console.log(['type', ...Object.keys(parts)].map((cell) => cell.padEnd(26)).join(''));
const results = Object.values(parts).map(evaluate);
for (const type of ['CREDIT_CARD', 'IBAN', 'EMAIL', 'IP_ADDRESS', 'US_SSN', 'PHONE', 'PERSON', 'LOCATION']) {
  const cells = results.map(({ perType }) => {
    const entry = perType.get(type) ?? { labelled: 0, gone: 0 };
    return `${entry.labelled === 0 ? '-' : (entry.gone / entry.labelled).toFixed(3)} (${entry.gone}/${entry.labelled})`;
  });
  console.log([type, ...cells].map((cell) => cell.padEnd(26)).join(''));
}
console.log(['words wrongly redacted', ...results.map((result) => `${((100 * result.wronglyRedacted) / result.outsideWords).toFixed(2)}% (${result.wronglyRedacted}/${result.outsideWords})`)].map((cell) => cell.padEnd(26)).join(''));

// The set has no API keys: measure them on generated ones, in the sentence shapes the set uses.
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const keyMakers = [
  () => `sk-proj-${pick(alphanumeric + '_-', 48)}`,
  () => `sk-${pick(alphanumeric, 48)}`,
  () => `sk-ant-api03-${pick(alphanumeric + '_-', 93)}AA`,
  () => `AKIA${pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  () => `ghp_${pick(alphanumeric, 36)}`,
  () => `github_pat_${pick(alphanumeric + '_', 82)}`,
  () => `sk_live_${pick(alphanumeric, 24)}`,
  () => `xoxb-${pick('0123456789', 12)}-${pick('0123456789', 12)}-${pick(alphanumeric, 24)}`,
  () => `eyJ${pick(alphanumeric, 30)}.eyJ${pick(alphanumeric, 60)}.${pick(alphanumeric + '_-', 43)}`,
];
const shapes = ['my key is {K}', 'export OPENAI_API_KEY="{K}"', 'Authorization: Bearer {K}', 'use {K}, thanks', '{"token": "{K}"}'];
let keys = 0;
let keysGone = 0;
for (let index = 0; index < 450; index++) {
  const key = keyMakers[index % keyMakers.length]!();
  const text = shapes[index % shapes.length]!.replace('{K}', key);
  keys++;
  if (!new PiiSession(detect, () => 'redact').redact(text, 'text').includes(key)) keysGone++;
}
console.log(`API_KEY (generated)       ${(keysGone / keys).toFixed(3)} (${keysGone}/${keys})`);
