-- The log. Partitioned by topic-partition id (LIST), and each of those by offset (RANGE) into log
-- segments, so that retention is a DROP TABLE of a segment, like Kafka deleting a segment file.
-- Children are created at run time by the broker (server/broker/log/segments.ts) with names generated
-- from ids: records_p<partition id> and records_p<partition id>_s<base offset>.
CREATE TABLE "records" (
	"partition_id" integer NOT NULL,
	"offset" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"key" bytea,
	"value" bytea,
	-- Headers in Kafka's own record-header encoding (zigzag varints): ordered, duplicate keys allowed.
	"headers" bytea,
	-- Room for the idempotent producer (producer id, epoch, first sequence of its batch).
	"producer_id" bigint,
	"producer_epoch" smallint,
	"sequence" integer,
	CONSTRAINT "records_pkey" PRIMARY KEY ("partition_id", "offset")
) PARTITION BY LIST ("partition_id");
