import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One file of the dashboard, ready to send. */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

const require = createRequire(import.meta.url);
// The page's own files sit beside src/ and dist/ alike; uPlot is served from its package, so the
// page works with no internet (no CDN) and no build step.
const files: ReadonlyMap<string, () => string> = new Map([
  ['', () => new URL('../dashboard/index.html', import.meta.url).pathname],
  ['/dashboard.js', () => new URL('../dashboard/dashboard.js', import.meta.url).pathname],
  ['/dashboard.css', () => new URL('../dashboard/dashboard.css', import.meta.url).pathname],
  ['/uPlot.iife.min.js', () => require.resolve('uplot/dist/uPlot.iife.min.js')],
  ['/uPlot.min.css', () => require.resolve('uplot/dist/uPlot.min.css')],
]);
const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const loaded = new Map<string, DashboardAsset>();

/** The dashboard file at a path below `/dashboard` ('' is the page), or undefined. */
export function dashboardAsset(subpath: string): DashboardAsset | undefined {
  const locate = files.get(subpath);
  if (locate === undefined) return undefined;
  let asset = loaded.get(subpath);
  if (asset === undefined) {
    const path = locate();
    asset = { body: readFileSync(path), contentType: types[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream' };
    loaded.set(subpath, asset);
  }
  return asset;
}

/**
 * Headers of every dashboard file: same-origin only (no framing, no scripts or connections to
 * other origins), so another site can neither embed the page nor use its admin session.
 */
export const dashboardSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};
