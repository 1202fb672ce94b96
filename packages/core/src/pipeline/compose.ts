/**
 * Stacks wrappers around a terminal step: the first wrapper is the outermost. The one place where
 * the order of features on the request path is decided.
 *
 * @example
 * const run = compose([timing, cache], () => callModel());
 * await run();
 */
export function compose<T>(wrappers: ReadonlyArray<(next: () => Promise<T>) => Promise<T>>, terminal: () => Promise<T>): () => Promise<T> {
  return wrappers.reduceRight<() => Promise<T>>((next, wrapper) => () => wrapper(next), terminal);
}
