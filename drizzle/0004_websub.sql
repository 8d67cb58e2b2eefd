CREATE TABLE "websub_subscriptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"callback" text NOT NULL,
	"topic" text NOT NULL,
	"feed_url" text NOT NULL,
	"base_url" text NOT NULL,
	"secret" text,
	"lease_seconds" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_digest" text,
	"pending_digest" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"claim_until" timestamp with time zone,
	"last_delivered_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "websub_subscriptions_callback_topic_idx" ON "websub_subscriptions" USING btree ("callback","topic");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_feed_idx" ON "websub_subscriptions" USING btree ("feed_url");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_due_idx" ON "websub_subscriptions" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_expires_idx" ON "websub_subscriptions" USING btree ("expires_at");