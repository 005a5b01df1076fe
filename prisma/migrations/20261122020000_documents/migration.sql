-- CreateTable
-- The search_* columns are written by hand: Prisma models them as `Unsupported("tsvector")?`
-- with an empty `@default(dbgenerated())` and would render them as plain tsvector columns.
-- They are STORED GENERATED so every insert or update keeps them in step with the text.
CREATE TABLE "documents" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "search_english" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, "title"), 'A') ||
        setweight(to_tsvector('english'::regconfig, "content"), 'B')
    ) STORED,
    "search_simple" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, "title"), 'A') ||
        setweight(to_tsvector('simple'::regconfig, "content"), 'B')
    ) STORED,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "documents_created_at_idx" ON "documents"("created_at");

-- CreateIndex
CREATE INDEX "documents_search_english_idx" ON "documents" USING GIN ("search_english");

-- CreateIndex
CREATE INDEX "documents_search_simple_idx" ON "documents" USING GIN ("search_simple");
