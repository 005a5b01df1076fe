import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client';

/** Every key starts so, which makes one easy to recognise (and to find if it leaks). */
export const KEY_PREFIX = 'octo_';

/**
 * The tenant of a local installation: `npm start` gives it a key, `AUTH=off` requests act for
 * it, and rows from before tenants existed belong to it.
 */
export const LOCAL_TENANT = 'local';

/** Where `npm start` keeps the local tenant's key in its data folder (mode 600). */
export const LOCAL_KEY_FILE = 'api-key';

/** How much of a key listings show. */
const SHOWN_CHARS = KEY_PREFIX.length + 6;

/** SHA-256 hex of a key: what is stored. A key has 256 random bits, so no slow hash is needed. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Creates a key for a tenant (created if new). Returns the key itself, which is stored nowhere:
 * only its hash and its first characters are.
 */
export async function createApiKey(prisma: PrismaClient, tenantName: string) {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const tenant = await ensureTenant(prisma, tenantName);
  const row = await prisma.apiKey.create({
    data: {
      id: randomUUID(),
      tenantId: tenant.id,
      prefix: key.slice(0, SHOWN_CHARS),
      hash: hashKey(key),
    },
  });
  return { key, id: row.id, tenant: tenant.name };
}

/** The tenant of this name, created if new. */
export async function ensureTenant(prisma: PrismaClient, name: string) {
  const tenant = await prisma.tenant.upsert({
    where: { name },
    create: { id: randomUUID(), name },
    update: {},
    select: { id: true, name: true },
  });
  return tenant;
}

/** Every key, newest first, without anything that could be used as one. */
export async function listApiKeys(prisma: PrismaClient) {
  const rows = await prisma.apiKey.findMany({
    orderBy: { createdAt: 'desc' },
    include: { tenant: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    tenant: r.tenant.name,
    prefix: r.prefix,
    created_at: r.createdAt,
    revoked_at: r.revokedAt,
  }));
}

/** Revokes a key by id; false when there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(prisma: PrismaClient, id: string): Promise<boolean> {
  const key = await prisma.apiKey.findUnique({ where: { id } });
  if (!key) return false;
  if (!key.revokedAt)
    await prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  return true;
}

/** Who a presented key belongs to, and whether it was revoked; undefined for an unknown key. */
export async function findApiKey(prisma: PrismaClient, key: string) {
  const row = await prisma.apiKey.findUnique({
    where: { hash: hashKey(key) },
    include: { tenant: { select: { id: true, name: true } } },
  });
  return (
    row && {
      id: row.id,
      tenantId: row.tenant.id,
      tenant: row.tenant.name,
      revoked: !!row.revokedAt,
    }
  );
}

/**
 * The local tenant's key, kept in `dataDir` (mode 600) so that `npm start` shows the same key on
 * every start. A new one is made on first start, or when the kept one is no longer valid (the
 * database was replaced, or the key revoked).
 */
export async function ensureLocalApiKey(prisma: PrismaClient, dataDir: string): Promise<string> {
  const file = path.join(dataDir, LOCAL_KEY_FILE);
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (kept) {
    const found = await findApiKey(prisma, kept);
    if (found && !found.revoked && found.tenant === LOCAL_TENANT) {
      await chmod(file, 0o600);
      return kept;
    }
  }
  const { key } = await createApiKey(prisma, LOCAL_TENANT);
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}
