import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client';

/** Every key starts so, which makes one easy to recognise (and to find if it leaks). */
export const KEY_PREFIX = 'octo_';

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
  const tenant = await prisma.tenant.upsert({
    where: { name: tenantName },
    create: { id: randomUUID(), name: tenantName },
    update: {},
  });
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
  return row && { tenantId: row.tenant.id, tenant: row.tenant.name, revoked: !!row.revokedAt };
}
