// Child process for embedded-postgres.test.ts: starts the embedded server, reports its pid on
// stdout and waits to be killed. Run with `node --import tsx <this file> <dataDir> <port>`.
// On SIGINT (a terminal's Ctrl-C, sent to the whole process group) it reports whether the
// server is still up, as an app's ordered shutdown needs, then stops it and exits.
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { isProcessRunning } from '../../src/db/os-process';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const warnings: string[] = [];
  const server = await startEmbeddedPostgres({
    dataDir: dataDir!,
    port: Number(port),
    durable: false,
    log: {
      warn: (_fields, msg) => warnings.push(msg),
      info: () => undefined,
      debug: () => undefined,
    },
  });
  process.stdout.write(`${JSON.stringify({ pid: server.pid })}\n`);
  const keepAlive = setInterval(() => undefined, 60_000);
  process.once('SIGINT', () => {
    // A moment for a signal the server got itself to take effect.
    setTimeout(() => {
      const upAfterCtrlC = isProcessRunning(server.pid);
      void server.stop().then(() => {
        process.stdout.write(`${JSON.stringify({ upAfterCtrlC, warnings })}\n`);
        clearInterval(keepAlive);
      });
    }, 1_000);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
