// Preloaded into the Portkey gateway (`node --import`): its server listens on every interface by
// default; the benchmark binds every server to 127.0.0.1 only.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number') return listen.call(this, args[0], '127.0.0.1', ...args.slice(1).filter((arg) => typeof arg === 'function'));
  if (typeof args[0] === 'object' && args[0] !== null && args[0].host === undefined && args[0].path === undefined) return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  return listen.apply(this, args);
};
