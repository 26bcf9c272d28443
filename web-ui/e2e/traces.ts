// Recordings made by the tests themselves: the real recorder on the test programs, packed, and
// the gdb oracle on the same programs (native/testprogs/check-watch.sh).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository: the tests run in web-ui/ (npm's working directory). */
export const ROOT = resolve(process.cwd(), '..');
export const jar = () => resolve(process.env.OMNI_JAR ?? join(ROOT, 'cli/target/omni.jar'));
export const program = (name: string) => join(ROOT, 'native/build/tests', name);

function omni(...args: string[]): string {
  return execFileSync('java', ['--add-opens=java.base/java.nio=ALL-UNNAMED', '-jar', jar(), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OMNI_HOME: mkdtempSync(join(tmpdir(), 'omni-e2e-rec-')) },
  });
}

const packed = new Map<string, string>();

/** Records `name` with the real recorder and packs it; once per test run. Returns the .omnitrace file. */
export function recordAndPack(name: string, ...args: string[]): string {
  const key = [name, ...args].join(' ');
  const known = packed.get(key);
  if (known && existsSync(known)) return known;
  const dir = mkdtempSync(join(tmpdir(), `omni-e2e-${name}-`));
  omni('record', '-o', join(dir, 'trace'), '--', program(name), ...args);
  const file = join(dir, `${name}.omnitrace`);
  omni('pack', join(dir, 'trace'), '-o', file);
  packed.set(key, file);
  return file;
}

/** The values gdb's hardware watchpoint reports for variable, one per change (check-watch.sh). */
export function gdbWatch(name: string, variable: string, ...args: string[]): string[] {
  const out = execFileSync(join(ROOT, 'native/testprogs/check-watch.sh'), [program(name), variable, ...args], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.length > 0);
}

/** Bytes (hex, memory order) as gdb prints a signed integer of that width. */
export function signedLittleEndian(hex: string): string {
  let v = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) v = (v << 8n) | BigInt(parseInt(hex.slice(i, i + 2), 16));
  const bits = BigInt(hex.length * 4);
  return (v >> (bits - 1n) ? v - (1n << bits) : v).toString();
}
