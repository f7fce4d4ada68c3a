// Prisma 6.19's migration engine in WebAssembly, connected through the pg
// driver adapter: no native engine to download. DATABASE_URL is read when a
// command runs, so `DATABASE_URL=... npx prisma migrate deploy` names the
// approval in its options parameter.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
