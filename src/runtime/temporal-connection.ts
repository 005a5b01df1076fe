import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { resolveDevServer } from '../toolchain';
import { DEV_SERVER_ARGS } from './dev-server-args';
import { DEV_SERVER_STARTER_ENV, reclaimDevServer } from './dev-server-orphan';
import { AesGcmPayloadCodec, loadCodecKeys } from './payload-codec';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
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
  /**
   * The payload codec every client and worker of this process uses (workflow inputs, results and
   * activity payloads are stored encrypted), and the data converter that applies it.
   */
  codec: AesGcmPayloadCodec;
  dataConverter: DataConverter;
  close(): Promise<void>;
}

/**
 * A client on the SDK's native (Rust) connection rather than a grpc-js one: each call costs a
 * fraction of the CPU, and a worker in the same process shares the connection.
 */
function clientOn(
  connection: NativeConnection,
  namespace: string,
  dataConverter: DataConverter,
  traced: boolean,
): Client {
  return new Client({
    connection,
    namespace,
    dataConverter,
    // With tracing on, starts, signals, queries and updates carry the caller's trace into the
    // workflow; a run started so is traced on every worker (src/workflows/tracing-interceptors.ts).
    ...(traced
      ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }
      : {}),
  });
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
  const codec = new AesGcmPayloadCodec(loadCodecKeys(temporal.codecKeys, config.dataDir, log));
  const dataConverter: DataConverter = { payloadCodecs: [codec] };
  const traced = config.tracing.endpoint !== undefined;
  if (temporal.address || !startDevServer) {
    const address = temporal.address ?? `127.0.0.1:${temporal.devServer.port}`;
    const nativeConnection = await NativeConnection.connect({ address });
    const searchAttributes =
      temporal.searchAttributes === true &&
      (await ensureSearchAttributes(nativeConnection, temporal.namespace, log));
    return {
      address,
      client: clientOn(nativeConnection, temporal.namespace, dataConverter, traced),
      nativeConnection,
      searchAttributes,
      codec,
      dataConverter,
      close: () => nativeConnection.close(),
    };
  }

  const server = await resolveDevServer({
    explicitPath: temporal.cliPath,
    cacheDir: temporal.toolchainDir,
    log,
  });
  fs.mkdirSync(path.dirname(temporal.devServer.dbFile), { recursive: true });
  await reclaimDevServer({
    dbFile: temporal.devServer.dbFile,
    ports: [
      { port: temporal.devServer.port, setting: 'TEMPORAL_PORT', frontend: true },
      { port: temporal.devServer.uiPort, setting: 'TEMPORAL_UI_PORT' },
    ],
    log,
  });
  // The server inherits this, so a later start can tell an orphan of ours (see above).
  process.env[DEV_SERVER_STARTER_ENV] = String(process.pid);
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
      extraArgs: [
        ...DEV_SERVER_ARGS,
        // The Web UI decodes payloads with the API's codec endpoint.
        '--ui-codec-endpoint',
        `http://${config.api.host}:${config.api.port}/codec`,
      ],
    },
  });
  const searchAttributes =
    temporal.searchAttributes !== false &&
    (await ensureSearchAttributes(env.nativeConnection, temporal.namespace, log));
  return {
    address: env.address,
    client: clientOn(env.nativeConnection, temporal.namespace, dataConverter, traced),
    nativeConnection: env.nativeConnection,
    uiUrl: `http://127.0.0.1:${temporal.devServer.uiPort}`,
    searchAttributes,
    codec,
    dataConverter,
    close: () => env.teardown(),
  };
}
