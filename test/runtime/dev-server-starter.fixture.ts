// Child process for dev-server-orphan.test.ts: starts the dev server as `npm start` does (the
// environment says where), reports its own pid on stdout and waits to be killed.
// Run with `node --import tsx <this file>`.
import { loadConfig } from '../../src/config';
import { openTemporal } from '../../src/runtime/temporal-connection';

async function main(): Promise<void> {
  await openTemporal(loadConfig(), () => undefined);
  process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
