import table from './routes.json';

export interface Route {
  method: string;
  path: string;
}

export const ROUTES: readonly Route[] = table.routes;

/** Methods served on a route template (e.g. `/v1/tokens/{id}`), empty for unknown paths. */
export function allowedMethods(resource: string): string[] {
  return ROUTES.filter((r) => r.path === resource).map((r) => r.method);
}
