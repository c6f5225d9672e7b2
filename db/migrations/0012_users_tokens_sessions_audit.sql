-- Users, API tokens, console sessions, failed-login counters and the audit log (issue 13). Secrets are
-- stored only as hashes: scrypt for passwords (plus SCRAM credentials for Kafka), SHA-256 for tokens and
-- session secrets. Times are ms since the epoch (the engine's clock).
CREATE TABLE "api_tokens" (
	"name" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint,
	"last_used_at" bigint,
	"revoked_at" bigint,
	"scram_sha256" jsonb NOT NULL,
	"scram_sha512" jsonb NOT NULL,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_role_known" CHECK ("api_tokens"."role" IN ('viewer', 'producer', 'admin')),
	CONSTRAINT "api_tokens_name_format" CHECK ("api_tokens"."name" ~ '^[A-Za-z0-9._-]{1,64}$')
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" bigint NOT NULL,
	"actor" text NOT NULL,
	"actor_kind" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"address" text,
	"outcome" text NOT NULL,
	"details" jsonb,
	CONSTRAINT "audit_log_actor_kind_known" CHECK ("audit_log"."actor_kind" IN ('user', 'token', 'anonymous', 'unknown')),
	CONSTRAINT "audit_log_outcome_known" CHECK ("audit_log"."outcome" IN ('ok', 'denied', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"failures" integer NOT NULL,
	CONSTRAINT "login_failures_pkey" PRIMARY KEY("scope","key"),
	CONSTRAINT "login_failures_scope_known" CHECK ("login_failures"."scope" IN ('user', 'address')),
	CONSTRAINT "login_failures_failures_not_negative" CHECK ("login_failures"."failures" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"secret_hash" text PRIMARY KEY NOT NULL,
	"user_name" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"address" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"name" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"scram_sha256" jsonb NOT NULL,
	"scram_sha512" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "users_role_known" CHECK ("users"."role" IN ('viewer', 'producer', 'admin')),
	CONSTRAINT "users_name_format" CHECK ("users"."name" ~ '^[A-Za-z0-9._-]{1,64}$')
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_name_users_name_fk" FOREIGN KEY ("user_name") REFERENCES "public"."users"("name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_recent" ON "audit_log" USING btree ("actor","id");--> statement-breakpoint
CREATE INDEX "audit_log_action_recent" ON "audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "login_failures_window_start" ON "login_failures" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "sessions_expires_at" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sessions_user_name" ON "sessions" USING btree ("user_name");