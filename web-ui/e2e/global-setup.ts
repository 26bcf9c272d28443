import { startServer, type StartedServer } from './server';

export default async function globalSetup() {
  const jar = process.env.OMNI_JAR ?? '../cli/target/omni.jar';
  const server = await startServer(jar);
  process.env.OMNI_URL = server.url;
  // Teardown runs in this same process and stops it; should the runner die first, so does the server.
  (globalThis as { omniServer?: StartedServer }).omniServer = server;
  process.on('exit', () => server.process.kill('SIGKILL'));
}
