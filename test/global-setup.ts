import { ensureChromium } from './support/chromium';
import { devServer, testServer } from './support/temporal-servers';

/**
 * Resolves both Temporal servers before any test runs, so the first, slow, build happens
 * once, with its progress printed, instead of inside a test's timeout.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // One after the other: a cold Go build and a cold Maven resolve would share the two cores.
  const test = await testServer();
  const dev = await devServer();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `\n[toolchain] test server: ${test.source}; dev server: ${dev.source} (${seconds} s)\n`,
  );
  // The browser tests' Chromium, installed here (once, before any test's timeout) if missing.
  const chromium = ensureChromium((msg) => process.stderr.write(`[toolchain] ${msg}\n`));
  process.stderr.write(
    'path' in chromium
      ? `[toolchain] chromium: ${chromium.path}\n`
      : `[toolchain] chromium: none, the browser tests will be skipped: ${chromium.missing}\n`,
  );
}
