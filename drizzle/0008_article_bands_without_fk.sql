ALTER TABLE "article_bands" DROP CONSTRAINT "article_bands_article_id_articles_id_fk";--> statement-breakpoint
-- The foreign key's per-row check cost more than the insert it guarded; one set-based delete per statement replaces
-- its cascade, for any delete of articles (retention, a source's cascade, an operator's SQL).
CREATE FUNCTION "article_bands_forget"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "article_bands" b USING "gone_articles" g WHERE b."article_id" = g."id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "articles_forget_bands" AFTER DELETE ON "articles"
  REFERENCING OLD TABLE AS "gone_articles" FOR EACH STATEMENT EXECUTE FUNCTION "article_bands_forget"();
