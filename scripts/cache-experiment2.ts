import { tokenize } from '../packages/core/src/cache/text-features.js';
import { extractSlots, compareSlots } from '../packages/core/src/cache/slot-guard.js';
import { readPairs, isHeldOut } from './cache-paraphrase-data.js';
const FUNCTION = new Set(('a an the and or but if then so of to in on at by for from with about as into is are was were be been being do does did ' +
 'have has had can could will would should shall may might must what which i me my you your it its we us our they them their this that these those there here ' +
 'some any ever really actually way ways one someone something anyone anything people person get good best possible please tips know').split(' '));
function stem(w: string) { if (w.length <= 4) return w; for (const s of ['ing','ies','es','s','ed','ly']) if (w.endsWith(s) && w.length - s.length >= 3) return w.slice(0, -s.length); return w; }
const content = (t: string) => new Set(tokenize(t).filter((w) => !FUNCTION.has(w)).map(stem));
const qqp = readPairs(process.argv[2] ?? 'qqp.train.jsonl');
const held = process.argv[2] ? qqp : qqp.filter(isHeldOut);
let pos = held.filter((p) => p.duplicate).length;
for (const allowed of [0, 1]) for (const guard of [false, true]) {
  const hits = held.filter((p) => {
    const a = content(p.a), b = content(p.b);
    let diff = 0; for (const w of a) if (!b.has(w)) diff++; for (const w of b) if (!a.has(w)) diff++;
    return diff <= allowed && a.size > 0 && (!guard || compareSlots(extractSlots(p.a), extractSlots(p.b)) === null);
  });
  const tp = hits.filter((p) => p.duplicate).length;
  console.log({ allowed, guard, P: (tp / hits.length).toFixed(3), R: (tp / pos).toFixed(3), hits: hits.length });
  if (process.argv[3] === 'show' && guard && allowed === 0) for (const p of hits.filter((p) => !p.duplicate)) console.log('  ', p.a, '||', p.b);
}
