import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { startSystem, waitForStatus, type TestSystem } from '../support/system';

// What an operator does in a browser, in Debian's Chromium driven by playwright-core: the
// Temporal Web UI finding, querying and cancelling a task, and the API's /docs page submitting
// one. Every test saves a screenshot under test-results/browser/.

const SHOTS = path.resolve(__dirname, '../../test-results/browser');
const lookup = findChromium();
if ('missing' in lookup) {
  // global-setup installs Chromium where it can; where it could not, say why these are skipped.
  console.warn(`Browser tests skipped: ${lookup.missing}`);
}
const describeInBrowser = 'path' in lookup ? describe : describe.skip;

describeInBrowser('in a browser', () => {
  let system: TestSystem;
  let server: Server;
  let apiUrl: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    system = await startSystem({}, { webUi: true });
    server = system.api.listen(system.webUi!.apiPort, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${system.webUi!.apiPort}`;
    browser = await chromium.launch({
      executablePath: (lookup as { path: string }).path,
      args: CHROMIUM_ARGS,
    });
    await mkdir(SHOTS, { recursive: true });
  }, 180_000);

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterEach(async () => {
    const name = expect.getState().currentTestName!.replace(/\W+/g, '-').slice(0, 80);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await system?.stop();
  }, 60_000);

  /** A task whose workflow stays running: its plan waits for approval. */
  async function taskAwaitingApproval(goal: string): Promise<string> {
    const res = await request(system.api).post('/submit').send({ goal, require_approval: true });
    expect(res.status).toBe(202);
    const id = res.body.task_id as string;
    await waitForStatus(system.api, id, ['awaiting_approval']);
    return id;
  }

  /** Finds the task in the Web UI's workflow list by its OctoTaskStatus and opens it. */
  async function openInWebUi(id: string, status: string): Promise<void> {
    const query = encodeURIComponent(`OctoTaskStatus="${status}"`);
    await page.goto(`${system.webUi!.url}/namespaces/default/workflows?query=${query}`);
    // Visibility catches up with the search attribute within a moment: reload until listed.
    const link = page.getByRole('link', { name: `task-${id}` });
    for (let tries = 0; !(await link.isVisible()) && tries < 20; tries++) {
      await page.waitForTimeout(500);
      await page.reload();
      await link.waitFor({ timeout: 2_000 }).catch(() => undefined);
    }
    await link.first().click();
    await page.getByRole('heading', { name: `task-${id}` }).waitFor();
  }

  test('the Web UI finds a running task by OctoTaskStatus and cancels it; the API shows it cancelled', async () => {
    const id = await taskAwaitingApproval('Summarise the history of event sourcing');
    await openInWebUi(id, 'awaiting_approval');
    await page.getByRole('button', { name: 'Request Cancellation' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'Cancel Workflow' });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const task = await waitForStatus(system.api, id, ['cancelled'], 30_000);
    expect(task.status).toBe('cancelled');
    // The UI shows the run's end too.
    await page.reload();
    await page.getByText('Canceled', { exact: true }).first().waitFor();
  }, 90_000);

  test("the Web UI's Queries tab shows the task's progress query, decoded by the API's codec", async () => {
    const id = await taskAwaitingApproval('Summarise the trade-offs of CQRS');
    await openInWebUi(id, 'awaiting_approval');
    await page.getByRole('tab', { name: /^Queries/ }).click();
    // The query types come from the worker (the SDK's workflow metadata query).
    await page.getByTestId('query-select-button').click();
    await page.getByRole('option', { name: /^progress/ }).click();
    await page.getByRole('button', { name: 'Run Query' }).click();
    // The answer: the task's status and its steps, as JSON the codec decrypted.
    const answer = page.locator('main').getByText(/"status":\s*"awaiting_approval"/);
    await answer.first().waitFor({ timeout: 20_000 });
    const text = await page.locator('main').innerText();
    expect(text).toContain(`"task_id": "${id}"`);
    expect(text).toMatch(/"steps":/);
  }, 90_000);

  test('/docs renders, and "Try it out" on POST /submit creates a task', async () => {
    await page.goto(`${apiUrl}/docs`);
    await page
      .getByRole('heading', { name: /OctoLLM/ })
      .first()
      .waitFor();
    const submit = page.locator('.opblock-post').filter({ hasText: '/submit' }).first();
    await submit.locator('.opblock-summary').click();
    await submit.getByRole('button', { name: 'Try it out' }).click();
    await submit.getByRole('button', { name: 'Execute' }).click();
    const response = submit.locator('.live-responses-table tbody tr.response').first();
    await response.waitFor();
    expect(await response.locator('.response-col_status').innerText()).toBe('202');
    await response.scrollIntoViewIfNeeded();
    const body = await response.locator('.highlight-code code').innerText();
    const id = JSON.parse(body).task_id as string;
    const task = await waitForStatus(system.api, id, ['completed', 'failed', 'blocked']);
    expect(task.status).toBe('completed');
  }, 90_000);
});
