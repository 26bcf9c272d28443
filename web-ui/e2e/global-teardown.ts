import { stopServer, type StartedServer } from './server';

export default async function globalTeardown() {
  const server = (globalThis as { omniServer?: StartedServer }).omniServer;
  if (server) await stopServer(server.process);
}
