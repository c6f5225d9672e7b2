-- records.produce's idempotency keys (issue 13): per topic, the request's hash and its result, written in
-- the transaction that writes its records; the primary key is what makes two concurrent requests with one
-- key write once. Rows older than BROOK_IDEMPOTENCY_WINDOW are deleted by log maintenance.
CREATE TABLE "produce_idempotency_keys" (
	"topic_id" integer NOT NULL,
	"key" text NOT NULL,
	"request_hash" "bytea" NOT NULL,
	"result" jsonb,
	"created_at" bigint NOT NULL,
	CONSTRAINT "produce_idempotency_keys_pkey" PRIMARY KEY("topic_id","key"),
	CONSTRAINT "produce_idempotency_keys_key_printable_ascii" CHECK ("produce_idempotency_keys"."key" ~ '^[ -~]{1,128}$'),
	CONSTRAINT "produce_idempotency_keys_request_hash_sha256" CHECK (octet_length("produce_idempotency_keys"."request_hash") = 32)
);
--> statement-breakpoint
ALTER TABLE "produce_idempotency_keys" ADD CONSTRAINT "produce_idempotency_keys_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "produce_idempotency_keys_created_at" ON "produce_idempotency_keys" USING btree ("created_at");