/**
 * Waits for the first item of a stream, so that a failure before the first token rejects here
 * (where the caller can still fall back to another model) instead of inside the iteration.
 * Returning early from the result, even before iterating it, returns the source.
 */
export async function primeStream<T>(source: AsyncGenerator<T>): Promise<AsyncIterable<T>> {
  const first = await source.next();
  let pending: IteratorResult<T> | undefined = first.done ? undefined : first;
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (pending === undefined) return source.next();
      const item = pending;
      pending = undefined;
      return Promise.resolve(item);
    },
    return: (value?: unknown) => {
      pending = undefined;
      return source.return(value as never);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
