import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../../src/runtime/search-attributes';
import { devServer } from '../support/temporal-servers';

// A dev server started without the registration flags, as one kept from an older version is.
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  const server = await devServer();
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: server.executable, ui: false },
  });
}, 60_000);

afterAll(async () => {
  await env?.teardown();
});

test('missing search attributes are registered, and a second call changes nothing', async () => {
  const said: string[] = [];
  await expect(
    ensureSearchAttributes(env.connection, 'default', (m) => said.push(m)),
  ).resolves.toBe(true);
  expect(said).toEqual([
    'registered search attributes OctoTaskStatus, OctoPriority, OctoArmCount, OctoTenant in namespace default',
  ]);
  const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
    namespace: 'default',
  });
  expect(Object.keys(customAttributes ?? {})).toEqual(
    expect.arrayContaining(['OctoTaskStatus', 'OctoPriority', 'OctoArmCount', 'OctoTenant']),
  );

  await expect(
    ensureSearchAttributes(env.connection, 'default', (m) => said.push(m)),
  ).resolves.toBe(true);
  expect(said).toHaveLength(1);
});

test('an unknown namespace leaves tasks without search attributes, and says why', async () => {
  const said: string[] = [];
  await expect(
    ensureSearchAttributes(env.connection, 'no-such-namespace', (m) => said.push(m)),
  ).resolves.toBe(false);
  expect(said[0]).toMatch(/search attributes unavailable .*TEMPORAL_SEARCH_ATTRIBUTES=false/);
});
