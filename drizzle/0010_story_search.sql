-- Stories' search vectors move to a table of their own, so that the count and date updates every joining copy makes
-- to a story no longer rewrite the vector's GIN entries. Vectors are stored uncompressed (pglz saved nothing on them).
CREATE TABLE "story_search" (
	"story_id" bigint PRIMARY KEY NOT NULL,
	"search" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "story_search" ALTER COLUMN "search" SET STORAGE EXTERNAL;--> statement-breakpoint
INSERT INTO "story_search" ("story_id", "search") SELECT "id", "search" FROM "stories" WHERE "search" IS NOT NULL;--> statement-breakpoint
DROP INDEX "stories_search_idx";--> statement-breakpoint
ALTER TABLE "story_search" ADD CONSTRAINT "story_search_story_id_stories_id_fk" FOREIGN KEY ("story_id") REFERENCES "public"."stories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "story_search_idx" ON "story_search" USING gin ("search");--> statement-breakpoint
ALTER TABLE "stories" DROP COLUMN "search";
