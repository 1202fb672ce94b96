import { ConfigurationError } from '@routekit/core';

/** Strict options: a misspelled key is an error that names it (and the closest known key). */
export function assertKnownOptions(options: object, known: readonly string[], factory: string): void {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError(`${factory} takes an options object.`, { key: '' });
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = known.find((name) => name.toLowerCase() === key.toLowerCase() || distance(name, key) <= 2);
    throw new ConfigurationError(`${factory}: unknown option "${key}"${near === undefined ? '' : ` (did you mean "${near}"?)`}; known options: ${known.join(', ')}.`, { key });
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
