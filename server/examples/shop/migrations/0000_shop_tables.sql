CREATE SCHEMA "brook_shop";
--> statement-breakpoint
CREATE TABLE "brook_shop"."inventory_applied" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	CONSTRAINT "inventory_applied_pkey" PRIMARY KEY("topic","partition")
);
--> statement-breakpoint
CREATE TABLE "brook_shop"."outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "brook_shop"."outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"topic" text NOT NULL,
	"order_id" text NOT NULL,
	"customer" text NOT NULL,
	"item" text NOT NULL,
	"quantity" integer NOT NULL,
	"partition" integer NOT NULL,
	"offset" bigint NOT NULL,
	"sent_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "brook_shop"."runner" (
	"topic" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "brook_shop"."stock" (
	"topic" text NOT NULL,
	"item" text NOT NULL,
	"quantity" integer NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "stock_pkey" PRIMARY KEY("topic","item"),
	CONSTRAINT "stock_quantity_not_negative" CHECK ("brook_shop"."stock"."quantity" >= 0)
);
--> statement-breakpoint
CREATE INDEX "outbox_topic_id" ON "brook_shop"."outbox" USING btree ("topic","id");