-- Produce throughput over time: each topic's record and byte totals (from watermark rows and counters,
-- never from the log) sampled with consumer lag, partitioned by hour like lag_samples
-- (children topic_samples_h<hours since epoch>), so expiry is a DROP TABLE.
CREATE TABLE "topic_samples" (
	"sampled_at" bigint NOT NULL,
	"topic" text NOT NULL,
	"high_watermark_sum" bigint NOT NULL,
	"records" bigint NOT NULL,
	"bytes" bigint NOT NULL
) PARTITION BY RANGE ("sampled_at");
--> statement-breakpoint
CREATE INDEX "topic_samples_topic_time" ON "topic_samples" ("topic", "sampled_at");
