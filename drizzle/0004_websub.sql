CREATE TABLE "websub_source_subscriptions" (
	"source_id" text PRIMARY KEY NOT NULL,
	"hub" text NOT NULL,
	"topic" text NOT NULL,
	"secret" text NOT NULL,
	"state" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_seconds" integer,
	"expires_at" timestamp with time zone,
	"last_push_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
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
ALTER TABLE "websub_source_subscriptions" ADD CONSTRAINT "websub_source_subscriptions_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "websub_subscriptions_callback_topic_idx" ON "websub_subscriptions" USING btree ("callback","topic");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_feed_idx" ON "websub_subscriptions" USING btree ("feed_url");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_due_idx" ON "websub_subscriptions" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "websub_subscriptions_expires_idx" ON "websub_subscriptions" USING btree ("expires_at");