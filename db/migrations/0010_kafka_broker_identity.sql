-- Kafka broker identity (issue 12). A node id per advertised address: the same address always gets the
-- same id (an instance restarted keeps it), and Postgres hands out distinct ids to distinct addresses
-- however many processes register at once.
CREATE TABLE "kafka_broker_ids" (
	"advertised" text PRIMARY KEY NOT NULL,
	"node_id" integer GENERATED ALWAYS AS IDENTITY NOT NULL,
	CONSTRAINT "kafka_broker_ids_node_id_unique" UNIQUE("node_id")
);
--> statement-breakpoint
-- Each instance's Kafka listener as its heartbeat reports it: 'listening' (with the bound address, the
-- advertised one, its node id and open connections), 'off', or 'unavailable' (kafka_listener says why).
ALTER TABLE "brook_instances" ADD COLUMN "kafka_state" text;--> statement-breakpoint
ALTER TABLE "brook_instances" ADD COLUMN "kafka_listener" text;--> statement-breakpoint
ALTER TABLE "brook_instances" ADD COLUMN "kafka_advertised" text;--> statement-breakpoint
ALTER TABLE "brook_instances" ADD COLUMN "kafka_node_id" integer;--> statement-breakpoint
ALTER TABLE "brook_instances" ADD COLUMN "kafka_connections" integer DEFAULT 0 NOT NULL;
