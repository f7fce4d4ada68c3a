-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "legacyId" TEXT,
    "avatarUrl" TEXT,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "draft" TEXT,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Skill" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Skill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Skill_name_key" ON "Skill"("name");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Seed: a deployed database holds rows by the time the later migrations run
INSERT INTO "User" ("email", "name", "legacyId", "avatarUrl") VALUES
    ('ada@example.com', 'Ada', 'L-1', 'https://example.com/ada.png'),
    ('grace@example.com', 'Grace', 'L-2', NULL);
INSERT INTO "Post" ("title", "draft", "authorId") VALUES ('Notes on the engine', 'v1', 1), ('Compilers', NULL, 2);
INSERT INTO "Skill" ("name") VALUES ('PostgreSQL'), ('Prisma');
