import { readFileSync } from 'node:fs';
import { ConfigurationError, RoutekitError } from '../errors.js';
import { LinearScorer } from './linear-scorer.js';
import type { RouterFile } from './router-file.js';

/**
 * Loads trained routers (files written by `routekit train`, or their parsed contents) as scorers for
 * `router-<name>-<threshold>`, once at start-up. A missing or invalid file is a configuration error
 * naming the option and the file, not a failure at the first request.
 *
 * @example
 * new Router({ catalog, scorers: readRouterFiles(['./mine.router.json']) });
 */
export function readRouterFiles(files: ReadonlyArray<string | RouterFile>, key = 'routers'): LinearScorer[] {
  return files.map((file, index) => {
    const where = `${key}[${index}]`;
    let contents: unknown = file;
    if (typeof file === 'string') {
      try {
        contents = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON';
        throw new ConfigurationError(`${where}: cannot read router file ${JSON.stringify(file)} (${reason}); write one with \`routekit train\`.`, { key: where, cause: error });
      }
    }
    try {
      return new LinearScorer(contents);
    } catch (error) {
      const detail = error instanceof RoutekitError ? error.message : 'not a router file';
      throw new ConfigurationError(`${where}: ${detail}`, { key: where, cause: error });
    }
  });
}
