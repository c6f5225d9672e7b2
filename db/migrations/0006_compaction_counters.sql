ALTER TABLE "log_segments" ADD COLUMN "record_count" bigint;--> statement-breakpoint
ALTER TABLE "log_segments" ADD COLUMN "compacted_at" bigint;--> statement-breakpoint
ALTER TABLE "topic_partitions" ADD COLUMN "removed_records" bigint DEFAULT 0 NOT NULL;