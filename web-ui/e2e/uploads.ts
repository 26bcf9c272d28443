// Recordings uploaded through the API (the UI's upload has its own test), once per test run.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';
import { recordAndPack } from './traces';

export const base = () => process.env.OMNI_URL!;

const ids = new Map<string, string>();

/** Uploads a packed recording of the test program `name` and waits for its index; `fresh` uploads it again. */
export async function uploaded(request: APIRequestContext, name: string, fresh = false): Promise<string> {
  if (ids.has(name) && !fresh) return ids.get(name)!;
  const file = recordAndPack(name);
  const response = await request.post(base() + '/api/traces', {
    multipart: { file: { name: basename(file), mimeType: 'application/octet-stream', buffer: readFileSync(file) } },
  });
  expect(response.ok()).toBe(true);
  const id = (await response.json()).id as string;
  await expect
    .poll(async () => (await (await request.get(`${base()}/api/traces/${id}`)).json()).status, { timeout: 120_000 })
    .toBe('indexed');
  if (!ids.has(name)) ids.set(name, id);
  return id;
}

export async function api<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(base() + path);
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** The demo's moment: strcpy of "Jonathan" writing its NUL into balance (as `omni demo` finds it). */
export async function demoMoment(request: APIRequestContext, id: string): Promise<number> {
  const page = await api<{ entries: { step: number; file: string | null }[] }>(request, `/api/traces/${id}/memory/history?symbol=balance`);
  return page.entries.find((e) => !e.file?.endsWith('demo_bug.c'))!.step;
}
