// Prisma CLI configuration (Prisma 7 reads connection URLs from here, not from schema.prisma).
// Only the CLI loads this file; the application passes its URL to the driver adapter itself.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Optional so that `prisma generate` works without a database; migrate commands need it.
  ...(url ? { datasource: { url } } : {}),
});
