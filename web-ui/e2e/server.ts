// Starting and stopping a real `omni serve` for the browser tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartedServer {
  url: string;
  process: ChildProcess;
  home: string;
}

/** Runs the built jar's `serve` on a free port with its own OMNI_HOME; resolves once it is serving. */
export function startServer(jar: string, extraEnv: Record<string, string> = {}): Promise<StartedServer> {
  const home = mkdtempSync(join(tmpdir(), 'omni-e2e-'));
  const child = spawn(
    'java',
    ['--add-opens=java.base/java.nio=ALL-UNNAMED', '-jar', jar, 'serve', '--port', '0'],
    { env: { ...process.env, OMNI_HOME: home, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`omni serve did not start within 90 s:\n${output}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /is serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], process: child, home });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`omni serve exited with ${code} before serving:\n${output}`));
    });
  });
}

/** SIGTERM, as a service manager would send it; resolves with the exit code. */
export function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
