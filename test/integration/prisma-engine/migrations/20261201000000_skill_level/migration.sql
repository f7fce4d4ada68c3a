-- AlterTable
ALTER TABLE "Skill" ADD COLUMN "level" INTEGER;
