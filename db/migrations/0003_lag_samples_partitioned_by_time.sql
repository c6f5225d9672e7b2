-- Consumer lag over time: one row per group, topic-partition and sample. Partitioned by time (one child
-- per hour, created ahead by the lag sampler as lag_samples_h<hours since epoch>), so that expiry is a
-- DROP TABLE of old hours, never a DELETE.
CREATE TABLE "lag_samples" (
	"sampled_at" bigint NOT NULL,
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"committed_offset" bigint NOT NULL,
	"high_watermark" bigint NOT NULL,
	"lag" bigint NOT NULL
) PARTITION BY RANGE ("sampled_at");
--> statement-breakpoint
CREATE INDEX "lag_samples_group_time" ON "lag_samples" ("group_id", "sampled_at");
