CREATE TABLE "cluster_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"secret" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "login_failures" ADD COLUMN "next_allowed_at" bigint DEFAULT 0 NOT NULL;