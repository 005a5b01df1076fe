// Child process for embedded-postgres.test.ts: starts the embedded server, reports its pid on
// stdout and waits to be killed. Run with `node --import tsx <this file> <dataDir> <port>`.
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({
    dataDir: dataDir!,
    port: Number(port),
    durable: false,
  });
  process.stdout.write(`${JSON.stringify({ pid: server.pid })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
