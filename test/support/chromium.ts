import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's (and other distributions') Chromium lives. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Flags for a headless Chromium on a machine with no outside network: without the
 * background-networking ones it keeps trying Google's hosts at every start.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system Chromium, or why there is none. */
export type ChromiumLookup = { path: string } | { missing: string };

/** Finds the system Chromium (`CHROMIUM_PATH` first); never installs. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const explicit = env.CHROMIUM_PATH;
  if (explicit) {
    return existsSync(explicit)
      ? { path: explicit }
      : { missing: `CHROMIUM_PATH=${explicit} does not exist` };
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  return found
    ? { path: found }
    : {
        missing:
          'no Chromium found (looked for ' +
          `${CANDIDATES.join(', ')}); install it with \`apt-get install chromium\` or set CHROMIUM_PATH`,
      };
}

/**
 * Finds the system Chromium, and where there is none installs Debian's package with apt-get
 * (as root, or with passwordless sudo). The browser tests use the system browser through
 * playwright-core: Playwright's own browser download does not work on these machines.
 */
export function ensureChromium(log: (msg: string) => void): ChromiumLookup {
  const found = findChromium();
  if ('path' in found || process.env.CHROMIUM_PATH) return found;
  const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
  if (!aptGet) return { missing: `${found.missing}; apt-get is not available here` };
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (!asRoot && !sudo) {
    return { missing: `${found.missing}; installing it needs root or passwordless sudo` };
  }
  const apt = (args: string[]) =>
    execFileSync(asRoot ? aptGet : 'sudo', asRoot ? args : [aptGet, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const install = ['install', '-y', '-q', '--no-install-recommends', 'chromium'];
  log('installing Debian chromium for the browser tests (apt-get install chromium)…');
  const started = Date.now();
  try {
    apt(install);
  } catch {
    // A fresh machine may have no package lists yet.
    try {
      apt(['update', '-q']);
      apt(install);
    } catch (err) {
      return {
        missing: `apt-get install chromium failed (${(err as Error).message.split('\n')[0]})`,
      };
    }
  }
  log(`chromium installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return findChromium();
}
