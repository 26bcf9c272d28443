// Every view state lives in the URL. This module is the one place that turns a location into a
// route and back, so that links, reloads and the back button agree.

export type Route =
  | { kind: 'traces' }
  | { kind: 'moment'; traceId: string; step: bigint }
  | { kind: 'not-found'; path: string };

const MOMENT = /^\/t\/([A-Za-z0-9_-]+)(?:\/step\/(\d+))?\/?$/;

/** The route a path names. Steps are 64-bit: parsed as bigint, never rounded. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { kind: 'traces' };
  const moment = MOMENT.exec(pathname);
  if (moment) {
    return { kind: 'moment', traceId: moment[1], step: BigInt(moment[2] ?? '0') };
  }
  return { kind: 'not-found', path: pathname };
}

/** The path of a route, the inverse of parseRoute. */
export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'traces':
      return '/';
    case 'moment':
      return `/t/${route.traceId}/step/${route.step}`;
    case 'not-found':
      return route.path;
  }
}
