import { InvalidRequestError } from '../errors.js';

/**
 * How deeply objects and arrays may nest in a request body, and in JSON text inside it (tool-call
 * arguments, tool results) that routekit parses. Real requests (tool parameter schemas, structured
 * output schemas) stay well under 30; thousands of levels only serve to overflow the stack of
 * whatever walks the value next.
 */
export const maxJsonDepth = 100;

/** Whether JSON text nests objects and arrays deeper than `limit`, read in one pass without parsing. */
export function jsonTextTooDeep(text: string, limit = maxJsonDepth): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      // A string is most of a request's text (the prompt): jump to its closing quote with indexOf
      // instead of reading it character by character. A quote closes it unless an odd number of
      // backslashes precede it; an unterminated string holds no brackets.
      const opening = index;
      do {
        index = text.indexOf('"', index + 1);
        if (index < 0) return false;
      } while (escaped(text, opening, index));
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) depth -= 1;
  }
  return false;
}

/** Whether the quote at `quote` is escaped: an odd run of backslashes before it, after the string's opening quote. */
function escaped(text: string, opening: number, quote: number): boolean {
  let backslashes = 0;
  for (let index = quote - 1; index > opening && text.charCodeAt(index) === 0x5c; index -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/** Throws 400 `json_too_deep` when JSON text nests deeper than `maxJsonDepth`; `param` names the field that holds it, if any. */
export function assertJsonTextDepth(text: string, param?: string): void {
  if (jsonTextTooDeep(text)) throw jsonTooDeep(param);
}

/** The same bound on a value already parsed, walked without recursion. */
export function assertValueDepth(value: unknown, param?: string): void {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxJsonDepth) throw jsonTooDeep(param);
    for (const child of Array.isArray(current) ? current : Object.values(current)) pending.push([child, depth + 1]);
  }
}

/** 400 `json_too_deep`, naming the field when the JSON is inside one. */
export function jsonTooDeep(param?: string): InvalidRequestError {
  const where = param === undefined ? 'The request body nests' : `${param} holds JSON that nests`;
  return new InvalidRequestError(`${where} objects and arrays more than ${maxJsonDepth} levels deep.`, { code: 'json_too_deep', ...(param !== undefined && { param }) });
}
