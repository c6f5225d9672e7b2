CREATE TABLE "shop_inventory_applied" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	CONSTRAINT "shop_inventory_applied_pkey" PRIMARY KEY("topic","partition")
);
--> statement-breakpoint
CREATE TABLE "shop_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shop_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
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
CREATE TABLE "shop_runner" (
	"topic" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_stock" (
	"topic" text NOT NULL,
	"item" text NOT NULL,
	"quantity" integer NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "shop_stock_pkey" PRIMARY KEY("topic","item"),
	CONSTRAINT "shop_stock_quantity_not_negative" CHECK ("shop_stock"."quantity" >= 0)
);
--> statement-breakpoint
CREATE INDEX "shop_outbox_topic_id" ON "shop_outbox" USING btree ("topic","id");