import { ConfigurationError } from '../errors.js';
import { allPiiTypes } from '../guard/pii/pii-detection.js';
import { closestOption } from './closest-option.js';

/** Seed 002's short names for built-in types (`"pii_types": ["ssn", ...]`). */
const shortNames: ReadonlyMap<string, string> = new Map([
  ['SSN', 'US_SSN'],
  ['IP', 'IP_ADDRESS'],
]);

/**
 * Rewrites the PII type names of a `pii` section to their canonical upper case (`email` becomes
 * `EMAIL`, `ssn` becomes `US_SSN`) in `types`, `actions` and `customPatterns`, and refuses a name
 * that is no type, suggesting the closest one.
 */
export function canonicalPiiTypes(pii: Record<string, unknown>, path: string): Record<string, unknown> {
  const result = { ...pii };
  const customNames: string[] = [];
  if (Array.isArray(pii.customPatterns)) {
    result.customPatterns = pii.customPatterns.map((rule: unknown) => {
      if (typeof rule !== 'object' || rule === null || typeof (rule as { name?: unknown }).name !== 'string') return rule;
      const name = upperCase((rule as { name: string }).name);
      customNames.push(name);
      return { ...rule, name };
    });
  }
  const known = [...allPiiTypes, ...customNames];
  const canonical = (name: string, key: string): string => {
    const upper = upperCase(name);
    const type = shortNames.get(upper) ?? upper;
    if (known.includes(type)) return type;
    const suggestion = closestOption(name, known);
    throw new ConfigurationError(`${key} (${JSON.stringify(name.slice(0, 40))}) is not a PII type${suggestion === undefined ? '' : `; did you mean ${suggestion}?`} The types are ${known.join(', ')}.`, { key });
  };
  if (Array.isArray(pii.types)) {
    result.types = pii.types.map((type: unknown, index) => (typeof type === 'string' ? canonical(type, `${path}.types[${index}]`) : type));
  }
  if (typeof pii.actions === 'object' && pii.actions !== null && !Array.isArray(pii.actions)) {
    const actions: Record<string, unknown> = Object.create(null);
    for (const [type, action] of Object.entries(pii.actions)) actions[canonical(type, `${path}.actions.${type}`)] = action;
    result.actions = { ...actions };
  }
  return result;
}

function upperCase(name: string): string {
  return name.trim().toUpperCase().replace(/[\s-]+/g, '_');
}
