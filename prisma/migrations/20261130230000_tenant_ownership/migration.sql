-- Tasks and documents belong to a tenant. Rows from before tenants existed go to the tenant
-- "local", the one `npm start` gives its own API key (and AUTH=off requests act as).
INSERT INTO "tenants" ("id", "name") VALUES (gen_random_uuid()::text, 'local')
  ON CONFLICT ("name") DO NOTHING;

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "tenant_id" TEXT;
UPDATE "tasks" SET "tenant_id" = (SELECT "id" FROM "tenants" WHERE "name" = 'local');
ALTER TABLE "tasks" ALTER COLUMN "tenant_id" SET NOT NULL;

-- AlterTable
ALTER TABLE "documents" ADD COLUMN "tenant_id" TEXT;
UPDATE "documents" SET "tenant_id" = (SELECT "id" FROM "tenants" WHERE "name" = 'local');
ALTER TABLE "documents" ALTER COLUMN "tenant_id" SET NOT NULL;

-- DropIndex
DROP INDEX "tasks_status_created_at_idx";

-- DropIndex
DROP INDEX "tasks_created_at_idx";

-- DropIndex
DROP INDEX "documents_created_at_idx";

-- CreateIndex
CREATE INDEX "tasks_tenant_id_status_created_at_idx" ON "tasks"("tenant_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "tasks_tenant_id_created_at_idx" ON "tasks"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "documents_tenant_id_created_at_idx" ON "documents"("tenant_id", "created_at");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
