import { describe, expect, it } from 'vitest';
import { tokenize } from './text-features.js';

describe('tokenize', () => {
  it('reads plain ASCII text (its fast path) exactly as the Unicode path reads it', () => {
    const texts = [
      "What's the difference between C++ and C# in 2024? Don't say it's Java's fault; I'm asking O'Brien.",
      'user_id=42, rate 3.5% of $1,200 -- see https://example.com/a-b?c=d#frag (x^2 + 2x + 1) [TODO] {json: true}',
      "  MIXED case\tTabs\nnew-lines, the dog's bone, the dogs' bones, rock'n'roll, 'quoted' ",
    ];
    // A non-ASCII word at the end sends the text down the Unicode path; its tokens before it must be the same.
    for (const text of texts) expect(tokenize(`${text} é`)).toEqual([...tokenize(text), 'é']);
  });
});
