const lineTerminator = /[\n\r\u2028\u2029]/g;

/**
 * How many times `/^<pattern>/gm` matches `text`, counting at most `most`: the same count, but the
 * pattern (sticky, without the `^`) is tried only where a line starts, not at every character, which
 * a multiline `^` costs irregexp. Where lines start is found by one native search per line. The
 * pattern must not match the empty string.
 *
 * @example
 * countLineStartMatches('A. one\nB. two', /[ \t]*[A-H][.)][ \t]/y); // 2, as 'A. one\nB. two'.match(/^[ \t]*[A-H][.)][ \t]/gm).length
 */
export function countLineStartMatches(text: string, pattern: RegExp, most = Infinity): number {
  let count = 0;
  let position = 0;
  while (position >= 0 && position < text.length) {
    pattern.lastIndex = position;
    if (pattern.test(text)) {
      count += 1;
      if (count >= most) return count;
      // The next match can start no earlier than this one ended: at the first line start from there.
      position = nextLineStart(text, pattern.lastIndex - 1);
    } else position = nextLineStart(text, position);
  }
  return count;
}

/** Where the line after the first line terminator at or after `from` starts; -1 when there is none. */
function nextLineStart(text: string, from: number): number {
  lineTerminator.lastIndex = from;
  return lineTerminator.test(text) ? lineTerminator.lastIndex : -1;
}
