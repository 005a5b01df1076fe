import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliEnvError, loadCliEnv } from '../../src/cli/cli-env';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'octollm-cli-env-'));
  await writeFile(path.join(dataDir, 'api-key'), 'octo_local\n');
});

test('OCTOLLM_API_KEY wins over the local key file', () => {
  expect(loadCliEnv({ OCTOLLM_API_KEY: 'octo_env', OCTOLLM_DATA_DIR: dataDir })).toEqual({
    url: 'http://127.0.0.1:8000',
    apiKey: 'octo_env',
    keySource: 'OCTOLLM_API_KEY',
  });
});

test('without OCTOLLM_API_KEY, the key npm start keeps is used for an API on this machine', () => {
  for (const url of ['http://127.0.0.1:8000', 'http://localhost:9000', 'http://[::1]:8000']) {
    expect(loadCliEnv({ OCTOLLM_URL: url, OCTOLLM_DATA_DIR: dataDir })).toEqual({
      url,
      apiKey: 'octo_local',
      keySource: 'file',
    });
  }
});

test('the local key is never sent to another host', () => {
  expect(
    loadCliEnv({ OCTOLLM_URL: 'https://octollm.example.com', OCTOLLM_DATA_DIR: dataDir }),
  ).toEqual({ url: 'https://octollm.example.com', keySource: 'none' });
});

test('a URL that is not one is refused, naming the variable', () => {
  expect(() => loadCliEnv({ OCTOLLM_URL: 'localhost:8000x' })).toThrow(CliEnvError);
  expect(() => loadCliEnv({ OCTOLLM_URL: 'nonsense' })).toThrow(
    'OCTOLLM_URL must be the API base URL, e.g. http://127.0.0.1:8000',
  );
});
