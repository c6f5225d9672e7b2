CREATE TABLE "log_segments" (
	"partition_id" integer NOT NULL,
	"base_offset" bigint NOT NULL,
	"end_offset" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"max_timestamp" bigint,
	"bytes" bigint,
	"sealed_at" timestamp with time zone,
	CONSTRAINT "log_segments_pkey" PRIMARY KEY("partition_id","base_offset"),
	CONSTRAINT "log_segments_range_not_empty" CHECK ("log_segments"."end_offset" > "log_segments"."base_offset")
);
--> statement-breakpoint
CREATE TABLE "topic_partitions" (
	"id" serial PRIMARY KEY NOT NULL,
	"topic_id" integer NOT NULL,
	"partition" integer NOT NULL,
	"log_start_offset" bigint DEFAULT 0 NOT NULL,
	"high_watermark" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topic_partitions_topic_partition_unique" UNIQUE("topic_id","partition"),
	CONSTRAINT "topic_partitions_log_start_not_past_high_watermark" CHECK ("topic_partitions"."log_start_offset" <= "topic_partitions"."high_watermark"),
	CONSTRAINT "topic_partitions_log_start_not_negative" CHECK ("topic_partitions"."log_start_offset" >= 0)
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"partition_count" integer NOT NULL,
	"configs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topics_name_unique" UNIQUE("name"),
	CONSTRAINT "topics_partition_count_in_range" CHECK ("topics"."partition_count" BETWEEN 1 AND 1000)
);
--> statement-breakpoint
ALTER TABLE "log_segments" ADD CONSTRAINT "log_segments_partition_id_topic_partitions_id_fk" FOREIGN KEY ("partition_id") REFERENCES "public"."topic_partitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topic_partitions" ADD CONSTRAINT "topic_partitions_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "topics_name_collision_unique" ON "topics" USING btree (replace("name", '.', '_'));