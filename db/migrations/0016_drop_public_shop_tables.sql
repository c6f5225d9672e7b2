DROP TABLE "shop_inventory_applied" CASCADE;--> statement-breakpoint
DROP TABLE "shop_outbox" CASCADE;--> statement-breakpoint
DROP TABLE "shop_runner" CASCADE;--> statement-breakpoint
DROP TABLE "shop_stock" CASCADE;