// One server under test, in a process of its own so that its CPU time and memory are its own:
// `node target-process.mjs <target> <upstream url>`; it sends its port to the parent once listening.
import { startTarget } from './start-target.mjs';

const [target, upstreamUrl] = process.argv.slice(2);
const server = await startTarget(target, upstreamUrl);
process.send({ port: server.address().port });
process.on('disconnect', () => process.exit(0));
