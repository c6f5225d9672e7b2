-- Idempotent producers (Kafka's InitProducerId and the per-partition producer state of its
-- ProducerStateManager). producer_ids hands out ids unique across every Brook process on this database;
-- producer_states keeps, per (partition, producer id), the epoch, the last sequence and the last 5 batches,
-- read and written under the partition's watermark row lock by the append transaction.
CREATE TABLE "producer_ids" (
	"producer_id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "producer_ids_producer_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"epoch" smallint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "producer_ids_epoch_in_range" CHECK ("producer_ids"."epoch" BETWEEN 0 AND 32767)
);
--> statement-breakpoint
CREATE TABLE "producer_states" (
	"partition_id" integer NOT NULL,
	"producer_id" bigint NOT NULL,
	"producer_epoch" smallint NOT NULL,
	"last_sequence" integer NOT NULL,
	"batches" jsonb NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "producer_states_pkey" PRIMARY KEY("partition_id","producer_id"),
	CONSTRAINT "producer_states_producer_id_not_negative" CHECK ("producer_states"."producer_id" >= 0),
	CONSTRAINT "producer_states_epoch_in_range" CHECK ("producer_states"."producer_epoch" BETWEEN 0 AND 32767),
	CONSTRAINT "producer_states_last_sequence_not_negative" CHECK ("producer_states"."last_sequence" >= 0),
	CONSTRAINT "producer_states_batches_at_most_5" CHECK (jsonb_array_length("producer_states"."batches") BETWEEN 1 AND 5)
);
--> statement-breakpoint
ALTER TABLE "producer_states" ADD CONSTRAINT "producer_states_partition_id_topic_partitions_id_fk" FOREIGN KEY ("partition_id") REFERENCES "public"."topic_partitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "producer_ids_updated_at" ON "producer_ids" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "producer_states_updated_at" ON "producer_states" USING btree ("updated_at");