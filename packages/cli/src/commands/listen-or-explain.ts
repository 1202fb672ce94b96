import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@routekit/core';

/**
 * Listens on `host:port` and resolves with the address in use ("127.0.0.1:8787"); a port that is
 * taken or not allowed rejects with a ConfigurationError saying so in one line, instead of the
 * process printing that it listens and then dying on (or ignoring) the server's `error` event.
 *
 * @example
 * const address = await listenOrExplain(server, 8787, '127.0.0.1');
 */
export function listenOrExplain(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? 'is already in use (another gateway or app is listening there); stop it or pick another port with --port or PORT'
        : error.code === 'EACCES' ? 'needs privileges this user does not have; pick a port above 1023'
        : error.code === 'EADDRNOTAVAIL' ? `is not available: ${host} is not an address of this machine`
        : `cannot be listened on (${error.code ?? error.message})`;
      reject(new ConfigurationError(`${host}:${port} ${reason}`, { key: 'port', cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const { address, port: bound } = server.address() as AddressInfo;
      resolve(`${address.includes(':') ? `[${address}]` : address}:${bound}`);
    });
  });
}
