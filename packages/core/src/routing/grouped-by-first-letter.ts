/**
 * A regular expression's alternatives `a|b|c` rewritten as `x(?:…)|y(?:…)`, one group per first
 * character, so that irregexp tries one small group where a match may start instead of every
 * alternative. Each alternative must start with a literal character (not a class or a group), and
 * where more than one alternative could match at the same position their order within a group is
 * kept but their order across groups is not.
 *
 * @example
 * groupedByFirstLetter('prove|solve|proof'); // 'p(?:rove|roof)|s(?:olve)'
 */
export function groupedByFirstLetter(alternatives: string): string {
  const groups = new Map<string, string[]>();
  for (const alternative of alternatives.split('|')) {
    const rest = groups.get(alternative[0]!) ?? [];
    rest.push(alternative.slice(1));
    groups.set(alternative[0]!, rest);
  }
  return [...groups].map(([letter, rests]) => `${letter}(?:${rests.join('|')})`).join('|');
}
