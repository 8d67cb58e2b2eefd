DROP INDEX "stories_published_idx";--> statement-breakpoint
DROP INDEX "story_topics_feed_idx";--> statement-breakpoint
CREATE INDEX "stories_published_idx" ON "stories" USING btree ("published_at","id");--> statement-breakpoint
CREATE INDEX "story_topics_feed_idx" ON "story_topics" USING btree ("topic_id","published_at","story_id");