-- CreateTable
CREATE TABLE "plan_cache" (
    "key" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "model" TEXT NOT NULL,
    "prompt_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plan_cache_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "plan_cache_expires_at_idx" ON "plan_cache"("expires_at");

-- CreateIndex
CREATE INDEX "plan_cache_model_prompt_version_idx" ON "plan_cache"("model", "prompt_version");
