import { startMockUpstream } from '@routekit/core/testing';

// The mock upstream in a process of its own, so its CPU is not counted with the load generator's
// or a gateway's. Answers instantly: what is measured is what sits between the client and it.
const mock = await startMockUpstream();
// The mock records every request for tests; a benchmark sends tens of thousands.
setInterval(() => mock.reset(), 1000).unref();
process.send({ url: mock.url });
process.on('disconnect', () => void mock.close().then(() => process.exit(0)));
