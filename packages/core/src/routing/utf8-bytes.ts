/**
 * The UTF-8 byte length of a long text, remembered by the object that holds it (a message, a content
 * part). Routing's estimate, the rate limit's token estimate and the spend limit's bound all measure
 * the same prompt within a few microtasks of each other, and each measure is a pass over all of its
 * bytes; remembered, a request with both limits pays one pass instead of three. The text is kept
 * beside its length and compared on every lookup (the same string: one pointer comparison), so a
 * holder whose text was replaced is measured anew. Short texts are measured every time (a pass over
 * them costs less than the lookup), and so are very long ones, which the ring would otherwise keep
 * alive after their request.
 *
 * The last few holders are kept in a small ring, not a WeakMap: a WeakMap keyed by every request's
 * messages grew the old generation from 38 to 59 MB and the RSS by 50 MB after the gateway
 * benchmark's load (`bench/gateway/memory-after-load.ts express-auto`).
 */
export function utf8BytesOf(holder: object, text: string): number {
  if (text.length < rememberedFromLength || text.length > rememberedUpToLength) return Buffer.byteLength(text, 'utf8');
  for (let index = 0; index < ringSize; index++) {
    if (holders[index] === holder && texts[index] === text) return lengths[index]!;
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  holders[next] = holder;
  texts[next] = text;
  lengths[next] = bytes;
  next = (next + 1) % ringSize;
  return bytes;
}

/** Texts of these lengths are remembered: the ring holds at most 32 of 32,768 characters, 2 MB. */
export const rememberedFromLength = 1024;
export const rememberedUpToLength = 32_768;

/** How many holders are remembered: more than the requests whose measures interleave between a request's first measure and its last. */
export const ringSize = 32;

const holders: Array<object | undefined> = new Array<object | undefined>(ringSize).fill(undefined);
const texts: string[] = new Array<string>(ringSize).fill('');
const lengths: number[] = new Array<number>(ringSize).fill(0);
let next = 0;
