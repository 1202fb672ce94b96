/**
 * The option a misspelled key most likely meant, or undefined when none is close: the same word in
 * another case or separator style (`similarity_threshold`, `TTLSeconds`), the only option it is
 * the beginning of (`ttl`), or one within a small edit distance (`similarityTreshold`).
 *
 * @example
 * closestOption('similarityTreshold', ['similarityThreshold', 'ttlSeconds']); // 'similarityThreshold'
 */
export function closestOption(key: string, options: readonly string[]): string | undefined {
  const wanted = normalise(key);
  const same = options.find((option) => normalise(option) === wanted);
  if (same !== undefined) return same;
  // A shortened name (`ttl`, `bodyLimit`, `daily`) means the one option it begins.
  const extended = wanted.length >= 3 ? options.filter((option) => normalise(option).startsWith(wanted)) : [];
  if (extended.length === 1) return extended[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const option of options) {
    const distance = editDistance(wanted, normalise(option));
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(left: string, right: string): number {
  // Keys are short; a longer one is no typo of an option.
  if (Math.abs(left.length - right.length) > 8 || left.length > 64 || right.length > 64) return Number.POSITIVE_INFINITY;
  const rows: number[][] = Array.from({ length: left.length + 1 }, (_, row) => Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row <= left.length; row += 1) {
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let distance = Math.min(rows[row - 1]![column]! + 1, rows[row]![column - 1]! + 1, rows[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) distance = Math.min(distance, rows[row - 2]![column - 2]! + 1);
      rows[row]![column] = distance;
    }
  }
  return rows[left.length]![right.length]!;
}
