import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One `prisma/migrations/<name>/migration.sql`. */
export interface LocalMigration {
  /** Folder name, e.g. `20261122011731_init`; also the `migration_name` Prisma records. */
  name: string;
  script: string;
  /** sha256 of the script, lowercase hex: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** The migrations folder as `prisma migrate deploy` sees it. */
export interface MigrationsFolder {
  dir: string;
  /** `provider` from migration_lock.toml, if the file exists. */
  provider: string | undefined;
  /** Sorted the way the Prisma CLI sorts them (String#localeCompare of folder names). */
  migrations: LocalMigration[];
}

/** sha256 hex, as the schema engine's `render_checksum`. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * The schema engine's `script_matches_checksum`: line-ending agnostic (git may have converted
 * them) and tolerant of the unpadded hex written by old engine versions.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? [...digest].map((byte) => byte.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

/**
 * Locates prisma/migrations by walking up from this file, so the same code works from src/
 * (tsx, jest) and from a compiled dist/src/.
 */
export function defaultMigrationsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (fs.existsSync(path.join(candidate, 'migration_lock.toml'))) return candidate;
    if (dir === path.dirname(dir)) {
      throw new Error(`No prisma/migrations folder found above ${__dirname}`);
    }
  }
}

/** Reads every migration folder; a folder without migration.sql is an error, as in Prisma. */
export function readMigrationsFolder(dir: string): MigrationsFolder {
  const lockFile = path.join(dir, 'migration_lock.toml');
  const lock = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : undefined;
  const provider = lock
    ?.split(/\r?\n/)
    .find((line) => line.startsWith('provider'))
    ?.replace(/^provider = /, '')
    .replace(/^"|"$/g, '');
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrations = names.map((name) => {
    const file = path.join(dir, name, 'migration.sql');
    if (!fs.existsSync(file)) throw new Error(`Migration folder ${name} has no migration.sql`);
    const script = fs.readFileSync(file, 'utf8');
    return { name, script, checksum: migrationChecksum(script) };
  });
  return { dir, provider, migrations };
}
