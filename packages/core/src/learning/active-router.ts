import { LinearScorer } from '../routing/linear-scorer.js';
import type { RouterFile } from '../routing/router-file.js';

/** The version name of the shipped `default` router, before any learned router is promoted. */
export const shippedRouterVersion = 'shipped';

/**
 * Which router answers for `default` (and so for `auto` and RouteLLM's names): the shipped one, or a
 * learned router promoted from this deployment's outcomes. A registry poller (`watchRouterRegistry`
 * in `@routekit/operations`) or the app sets it; routing reads it on every request, so a swap takes
 * effect at the next request and receipts name the version that decided.
 *
 * @example
 * const active = new ActiveRouter();
 * active.use(3, learnedFile); // router_version "learned-v3"
 */
export class ActiveRouter {
  #version: number | null = null;
  #scorer: LinearScorer | undefined;

  /** The learned scorer in charge, or undefined while the shipped router is. */
  get scorer(): LinearScorer | undefined {
    return this.#scorer;
  }

  /** `shipped`, or `learned-v<N>`. */
  get version(): string {
    return this.#version === null ? shippedRouterVersion : learnedRouterVersion(this.#version);
  }

  /** The number of the learned router in charge, or null. */
  get versionNumber(): number | null {
    return this.#version;
  }

  /** Puts a learned router in charge (a no-op when that version already is); `null` goes back to the shipped one. */
  use(version: number | null, file?: RouterFile | unknown): void {
    if (version === this.#version) return;
    if (version === null) {
      this.#version = null;
      this.#scorer = undefined;
      return;
    }
    if (file === undefined) throw new Error(`Router version ${version} needs its file.`);
    const scorer = new LinearScorer(file);
    if (scorer.file.strong === undefined || scorer.file.weak === undefined) throw new Error(`Router version ${version} has no strong/weak pair.`);
    this.#scorer = scorer;
    this.#version = version;
  }
}

export function learnedRouterVersion(version: number): string {
  return `learned-v${version}`;
}
