import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '@routekit/core';
import type { Caller } from './authenticate.js';

/** What a route's handler gets: the Node request and response, the authenticated caller, the path parameter. */
export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  caller: Caller;
  /** The percent-decoded path parameter of a pattern route (`/v1/receipts/{id}`). */
  parameter: string | undefined;
  /** A body a framework's parser already read, if any. */
  body: unknown;
}

/** One route of the API, relative to the bridge's prefix. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path; a trailing `{name}` is a parameter matching the rest of the path, e.g. `/v1/receipts/{id}`. */
  path: string;
  serve(context: RouteContext): Promise<void>;
}

export type RouteMatch = { kind: 'route'; route: Route; parameter: string | undefined } | { kind: 'wrong-method'; allowed: string[] } | { kind: 'none' };

/** Finds the route for a method and path; a malformed percent-encoding in a parameter is a 400. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const found = matchPath(route.path, path);
    if (found === null) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    return { kind: 'route', route, parameter: found.parameter === undefined ? undefined : decodeParameter(found.parameter) };
  }
  return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}

function matchPath(template: string, path: string): { parameter: string | undefined } | null {
  const open = template.indexOf('{');
  if (open === -1) return template === path ? { parameter: undefined } : null;
  const fixed = template.slice(0, open);
  // Model ids hold a slash (`openai/gpt-4.1`), so a parameter takes the rest of the path.
  return path.startsWith(fixed) && path.length > fixed.length ? { parameter: path.slice(fixed.length) } : null;
}

function decodeParameter(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new InvalidRequestError('The URL path is not valid percent-encoding.', { code: 'invalid_path' });
  }
}
