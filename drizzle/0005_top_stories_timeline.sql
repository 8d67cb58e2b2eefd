CREATE TABLE "story_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"story_id" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"old_title" text,
	"new_title" text
);
--> statement-breakpoint
ALTER TABLE "story_events" ADD CONSTRAINT "story_events_story_id_stories_id_fk" FOREIGN KEY ("story_id") REFERENCES "public"."stories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "story_events_story_idx" ON "story_events" USING btree ("story_id","at");--> statement-breakpoint
CREATE INDEX "stories_coverage_idx" ON "stories" USING btree ("article_count","updated_at","id");