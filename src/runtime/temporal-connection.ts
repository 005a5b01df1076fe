import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { resolveDevServer } from '../toolchain';
import { DEV_SERVER_ARGS } from './dev-server-args';
import { ensureSearchAttributes } from './search-attributes';

/** A Temporal cluster to use: connections for clients and workers, and how to let go. */
export interface TemporalHandle {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  /** The Web UI, when OctoLLM started the dev server itself. */
  uiUrl?: string;
  /** Whether OctoLLM's search attributes are registered and should be kept current. */
  searchAttributes: boolean;
  close(): Promise<void>;
}

/**
 * Connects to `TEMPORAL_ADDRESS` if set; otherwise starts the Temporal dev server (with its
 * Web UI and a persistent SQLite file, so runs survive a restart). A process that runs one
 * piece alone passes `startDevServer: false` and connects to the local default port instead.
 */
export async function openTemporal(
  config: Config,
  log: (msg: string) => void,
  { startDevServer = true } = {},
): Promise<TemporalHandle> {
  const { temporal } = config;
  if (temporal.address || !startDevServer) {
    const address = temporal.address ?? `127.0.0.1:${temporal.devServer.port}`;
    const connection = await Connection.connect({ address });
    const nativeConnection = await NativeConnection.connect({ address });
    const searchAttributes =
      temporal.searchAttributes === true &&
      (await ensureSearchAttributes(connection, temporal.namespace, log));
    return {
      address,
      client: new Client({ connection, namespace: temporal.namespace }),
      nativeConnection,
      searchAttributes,
      close: async () => {
        await nativeConnection.close();
        await connection.close();
      },
    };
  }

  const server = await resolveDevServer({
    explicitPath: temporal.cliPath,
    cacheDir: temporal.toolchainDir,
    log,
  });
  fs.mkdirSync(path.dirname(temporal.devServer.dbFile), { recursive: true });
  log(
    `starting the Temporal dev server (${server.source}) on 127.0.0.1:${temporal.devServer.port}`,
  );
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: server.executable,
      ip: '127.0.0.1',
      port: temporal.devServer.port,
      ui: true,
      uiPort: temporal.devServer.uiPort,
      namespace: temporal.namespace,
      dbFilename: temporal.devServer.dbFile,
      extraArgs: [...DEV_SERVER_ARGS],
    },
  });
  const searchAttributes =
    temporal.searchAttributes !== false &&
    (await ensureSearchAttributes(env.connection, temporal.namespace, log));
  return {
    address: env.address,
    client: new Client({ connection: env.connection, namespace: temporal.namespace }),
    nativeConnection: env.nativeConnection,
    uiUrl: `http://127.0.0.1:${temporal.devServer.uiPort}`,
    searchAttributes,
    close: () => env.teardown(),
  };
}
