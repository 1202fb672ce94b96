// What `npm test` and `npm run cluster` ask of the services on this machine before they start them.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

/** Whether something accepts connections on 127.0.0.1:`port` (within half a second). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    const settle = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => settle(true));
    for (const event of ['error', 'timeout']) socket.once(event, () => settle(false));
  });
}

/** Whether 127.0.0.1:`port` starts accepting connections within `milliseconds`. */
export async function waitFor(port: number, milliseconds: number): Promise<boolean> {
  for (const deadline = Date.now() + milliseconds; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (await listening(port)) return true;
  }
  return false;
}

/** Whether a command is installed (on the PATH). */
export const onPath = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
