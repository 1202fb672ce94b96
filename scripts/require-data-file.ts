// The benchmarks and evaluation scripts read datasets kept beside the repository in ../shared/data
// (routing outcomes, paraphrase pairs, the PII set), which a clone does not have. A missing file ends
// the script with one line saying what is missing and how to point at a copy, not an ENOENT stack.
import { existsSync } from 'node:fs';

/**
 * Returns `path` when it exists; otherwise prints one line to stderr and exits with code 2.
 * `pointAtCopy` says how to use a copy kept elsewhere: "set ROUTEKIT_ROUTING_DATA to a folder that has them".
 *
 * @example
 * readFileSync(requireDataFile(`${dataDirectory}mmlu.train.jsonl`, 'set ROUTEKIT_ROUTING_DATA to a folder that has them'), 'utf8');
 */
export function requireDataFile(path: string, pointAtCopy: string): string {
  if (existsSync(path)) return path;
  process.stderr.write(`${path} is missing: this needs the datasets of ../shared/data, which are not in the repository (README, "Measured"); ${pointAtCopy}.\n`);
  process.exit(2);
}
