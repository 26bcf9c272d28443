// Recordings uploaded through the API (the UI's upload has its own test), once per test run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';
import { jar, program } from './traces';

export const base = () => process.env.OMNI_URL!;

const ids = new Map<string, string>();

/** Records `name` with the real recorder and packs it, whatever status the program exits with (omni record passes it on). */
export function recordAndPack(name: string, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `omni-e2e-${name}-`));
  const omni = (...a: string[]) =>
    spawnSync('java', ['--add-opens=java.base/java.nio=ALL-UNNAMED', '-jar', jar(), ...a], {
      encoding: 'utf8',
      env: { ...process.env, OMNI_HOME: mkdtempSync(join(tmpdir(), 'omni-e2e-rec-')) },
    });
  const recorded = omni('record', '-o', join(dir, 'trace'), '--', program(name), ...args);
  if (!existsSync(join(dir, 'trace'))) throw new Error(`omni record ${name} failed: ${recorded.stderr}`);
  const file = join(dir, `${name}.omnitrace`);
  const packed = omni('pack', join(dir, 'trace'), '-o', file);
  if (packed.status !== 0) throw new Error(`omni pack ${name} failed: ${packed.stderr}`);
  return file;
}

/** Uploads a packed recording of the test program `name` run with `args` and waits for its index; `fresh` uploads it again. */
export async function uploaded(request: APIRequestContext, name: string, fresh = false, ...args: string[]): Promise<string> {
  const key = [name, ...args].join(' ');
  if (ids.has(key) && !fresh) return ids.get(key)!;
  const file = recordAndPack(name, ...args);
  const response = await request.post(base() + '/api/traces', {
    multipart: { file: { name: basename(file), mimeType: 'application/octet-stream', buffer: readFileSync(file) } },
  });
  expect(response.ok()).toBe(true);
  const id = (await response.json()).id as string;
  await expect
    .poll(async () => (await (await request.get(`${base()}/api/traces/${id}`)).json()).status, { timeout: 120_000 })
    .toBe('indexed');
  if (!ids.has(key)) ids.set(key, id);
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
