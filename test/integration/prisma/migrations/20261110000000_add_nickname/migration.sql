-- AlterTable
ALTER TABLE "User" ADD COLUMN "nickname" TEXT;

-- Backfill
UPDATE "User" SET "nickname" = "name";
