-- POST /submit with an Idempotency-Key: the task id is derived from the key, so a retry finds the
-- same row; the request's hash tells a retry from another request that reuses the key.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "request_hash" TEXT;
