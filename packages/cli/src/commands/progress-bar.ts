/**
 * A progress bar on stderr: redrawn in place on a terminal, a line per tenth otherwise (logs stay short).
 *
 * @example
 * const bar = progressBar('training'); bar(3, 12); bar(12, 12);
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const fraction = total === 0 ? 1 : done / total;
    const filled = Math.round(fraction * 30);
    const text = `${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${total}`;
    if (stream.isTTY) {
      stream.write(`\r${text}${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      stream.write(`${text}\n`);
    }
  };
}
