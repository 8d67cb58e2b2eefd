-- Articles' texts are compressed as they are stored (TOAST): lz4 costs under half of pglz's CPU for the same size.
-- Only where the server supports it (PGlite does not); rows already stored keep their compression.
DO $$
BEGIN
  IF (SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
    ALTER TABLE "articles" ALTER COLUMN "content_html" SET COMPRESSION lz4,
      ALTER COLUMN "summary_html" SET COMPRESSION lz4, ALTER COLUMN "text" SET COMPRESSION lz4;
  END IF;
END $$;
