// The server's JSON API. Errors arrive as RFC 9457 problem details.

export interface Health {
  status: 'UP' | 'DOWN';
  version: string;
  database: { status: 'UP' | 'DOWN'; kind: string; product?: string; error?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
  const body = await response.json().catch(() => undefined);
  if (!response.ok && !(response.status === 503 && path === '/api/health')) {
    throw new ApiError(response.status, body?.title ?? response.statusText, body?.detail);
  }
  return body as T;
}

export const fetchHealth = () => getJson<Health>('/api/health');
