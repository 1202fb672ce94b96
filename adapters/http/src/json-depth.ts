import { InvalidRequestError } from '@routekit/core';

/**
 * How deeply objects and arrays may nest in a request body. Real requests (tool parameter schemas,
 * structured output schemas) stay well under 30; thousands of levels only serve to overflow the
 * stack of whatever walks the value next.
 */
export const maxJsonDepth = 100;

/** Throws 400 `json_too_deep` when JSON text nests deeper than `maxJsonDepth`, in one pass, before parsing. */
export function assertJsonTextDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > maxJsonDepth) throw tooDeep();
    } else if (code === 0x7d || code === 0x5d) depth -= 1;
  }
}

/** The same bound on a value a framework's body parser already built, walked without recursion. */
export function assertValueDepth(value: unknown): void {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxJsonDepth) throw tooDeep();
    for (const child of Array.isArray(current) ? current : Object.values(current)) pending.push([child, depth + 1]);
  }
}

function tooDeep(): InvalidRequestError {
  return new InvalidRequestError(`The request body nests objects and arrays more than ${maxJsonDepth} levels deep.`, { code: 'json_too_deep' });
}
