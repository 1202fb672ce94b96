import { spawn, type ChildProcess } from 'node:child_process';

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill()));

/** Keeps a child a bench started, so it is killed when the bench exits, however it exits. */
export function ownChild(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/**
 * Starts one of the bench's processes (`bench/gateway/<script>`, on the built packages, with no
 * TypeScript loader in it) and resolves with the first message it sends (its URL or port). Its
 * standard error is dropped unless `stderr` names a file descriptor (a gateway's request log).
 */
export function startProcess(script: string, args: string[], stderr: number | 'ignore' = 'ignore'): Promise<{ child: ChildProcess; message: Record<string, unknown> }> {
  const child = ownChild(spawn(process.execPath, [new URL(script, import.meta.url).pathname, ...args], { stdio: ['ignore', 'inherit', stderr, 'ipc'] }));
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script} ${args[0] ?? ''} exited with ${code}`)));
  });
}
