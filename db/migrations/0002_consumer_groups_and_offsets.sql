CREATE TABLE "consumer_groups" (
	"group_id" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"group_epoch" integer DEFAULT 0 NOT NULL,
	"expires_at" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consumer_groups_group_id_not_empty" CHECK (length("consumer_groups"."group_id") BETWEEN 1 AND 255)
);
--> statement-breakpoint
CREATE TABLE "group_offset_commits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "group_offset_commits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"committed_offset" bigint NOT NULL,
	"high_watermark" bigint NOT NULL,
	"committed_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_offsets" (
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"committed_offset" bigint NOT NULL,
	"metadata" text DEFAULT '' NOT NULL,
	"committed_at" bigint NOT NULL,
	CONSTRAINT "group_offsets_pkey" PRIMARY KEY("group_id","topic","partition"),
	CONSTRAINT "group_offsets_offset_not_negative" CHECK ("group_offsets"."committed_offset" >= 0)
);
--> statement-breakpoint
ALTER TABLE "group_offset_commits" ADD CONSTRAINT "group_offset_commits_group_id_consumer_groups_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."consumer_groups"("group_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_offsets" ADD CONSTRAINT "group_offsets_group_id_consumer_groups_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."consumer_groups"("group_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consumer_groups_expiring" ON "consumer_groups" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "group_offset_commits_partition_recent" ON "group_offset_commits" USING btree ("group_id","topic","partition","id");