CREATE TABLE "acl_version" (
	"id" smallint PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "acl_version_one_row" CHECK ("acl_version"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "acls" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "acls_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"resource_type" text NOT NULL,
	"pattern_type" text NOT NULL,
	"resource_name" text NOT NULL,
	"principal" text NOT NULL,
	"host" text NOT NULL,
	"operation" text NOT NULL,
	"permission" text NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "acls_binding_unique" UNIQUE("resource_type","pattern_type","resource_name","principal","host","operation","permission"),
	CONSTRAINT "acls_resource_type_known" CHECK ("acls"."resource_type" IN ('TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID')),
	CONSTRAINT "acls_pattern_type_known" CHECK ("acls"."pattern_type" IN ('LITERAL', 'PREFIXED')),
	CONSTRAINT "acls_permission_known" CHECK ("acls"."permission" IN ('ALLOW', 'DENY'))
);
