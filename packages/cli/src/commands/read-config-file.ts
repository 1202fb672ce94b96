import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@routekit/core';
import { parse as parseYaml } from 'yaml';

/**
 * Reads `routekit serve --config FILE`: JSON, or YAML for `.yaml`/`.yml`, with the same keys as
 * `routerMiddleware` (validated strictly afterwards, errors naming the key) plus `port`, `host` and
 * `database`. `${NAME}` in any string is replaced by the environment variable (`${NAME:-default}`
 * for a default), so secrets stay out of the file; a variable that is not set and has no default
 * is an error naming the key that uses it, never an empty string sent to a provider.
 *
 * @example
 * // routekit.config.yaml
 * // providers: [{ id: openai, kind: openai, baseUrl: https://api.openai.com/v1, apiKey: "${OPENAI_API_KEY}" }]
 * const config = await readConfigFile('routekit.config.yaml');
 */
export async function readConfigFile(path: string, environment: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`--config ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { key: '--config', cause: error });
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    // The parser's message can quote the file, and the file may hold secrets: say where, not what.
    const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new ConfigurationError(`--config ${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}${line === undefined ? '' : ` (line ${line})`}`, { key: '--config', cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigurationError(`--config ${path}: the file must hold one object of options`, { key: '--config' });
  return interpolate(parsed, '', environment) as Record<string, unknown>;
}

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolate(value: unknown, path: string, environment: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (_match, name: string, fallback: string | undefined) => {
      const found = Object.hasOwn(environment, name) ? environment[name] : undefined;
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigurationError(`${path || '(root)'} uses \${${name}}, which is not set in the environment (write \${${name}:-default} for a default)`, { key: path || '(root)' });
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, `${path}[${index}]`, environment));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(result, key, { value: interpolate(item, path === '' ? key : `${path}.${key}`, environment), enumerable: true, writable: true, configurable: true });
    return result;
  }
  return value;
}
