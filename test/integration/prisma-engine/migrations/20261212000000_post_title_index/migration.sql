-- AlterTable
ALTER TABLE "Post" ADD COLUMN "publishedAt" TIMESTAMP(3);

-- CreateIndex (edited by hand: CONCURRENTLY, which PostgreSQL refuses in a transaction block)
CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");
