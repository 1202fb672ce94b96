// What importing one package costs an app: wall and CPU time, and resident memory added.
// usage: node_modules/.bin/node bench/import-cost.mjs @routekit/langchain   (after npm install builds dist/)
const name = process.argv[2];
if (name === undefined) {
  console.error('usage: node bench/import-cost.mjs <package>');
  process.exit(2);
}
const rssBefore = process.memoryUsage().rss;
const cpuBefore = process.cpuUsage();
const started = performance.now();
await import(name);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const rss = process.memoryUsage().rss;
console.log(JSON.stringify({ name, wallMs: Math.round(wallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rssMb: Math.round(rss / 2 ** 20), rssAddedMb: Math.round((rss - rssBefore) / 2 ** 20) }));
