import type { Broker } from '@/server/broker';
import type { KafkaErrorName } from '@/server/broker/errors';
import type { Principal } from '@/server/kernel/auth-types';
import type { ConnectionInfo } from '../listener/dispatcher';
import type { Reader } from '../protocol/reader';
import type { Writer } from '../protocol/writer';
import type { SaslSession } from '../sasl/session';

/** A Kafka broker as Metadata, FindCoordinator and DescribeCluster name it. */
export interface KafkaNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Where this instance stands among the cluster's Kafka listeners (live instances come from Postgres). */
export interface ClusterView {
  /** This instance as a Kafka node: always present, even before its first registry heartbeat. */
  self(): Promise<KafkaNode>;
  /** Every live instance with a listener, this one included, ordered by node id. */
  brokers(): Promise<KafkaNode[]>;
  /** Stable per database. */
  clusterId(): Promise<string>;
}

/** Broker settings a Kafka handler follows (from the environment: server/env.ts). */
export interface KafkaSettings {
  /** Kafka's auto.create.topics.enable: Metadata for an unknown topic creates it. */
  autoCreateTopics: boolean;
  /** Kafka's num.partitions: partitions of an auto-created topic. */
  numPartitions: number;
}

export const DEFAULT_KAFKA_SETTINGS: KafkaSettings = { autoCreateTopics: false, numPartitions: 1 };

/** What a handler gets besides its decoded request. */
export interface KafkaContext {
  broker: Broker;
  cluster: ClusterView;
  settings: KafkaSettings;
  conn: ConnectionInfo;
  clientId: string | null;
  apiVersion: number;
  /** Aborts when the connection closes or the listener stops: long polls answer with what they have. */
  signal: AbortSignal;
  /** Who is calling: the connection's authenticated principal, or the anonymous admin with auth off/none. */
  principal: Principal;
  /** The connection's SASL state (SaslHandshake, SaslAuthenticate). */
  sasl: SaslSession;
}

/**
 * One Kafka API: its served version range (what ApiVersions advertises: exactly this), its generated
 * codecs and the handler. `handle` answers null only where Kafka sends nothing (Produce with acks=0).
 * Bad references (unknown topics, stale generations) are answered with Kafka error codes, per partition
 * where the response has them; throwing a KafkaProtocolError closes the connection, as Kafka does for a
 * request it cannot parse; a BrokerError thrown out of a handler is answered with `errorResponse`.
 */
export interface ApiHandler<Req = unknown, Res = unknown> {
  name: string;
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  decode(r: Reader, version: number): Req;
  encode(w: Writer, version: number, response: Res): void;
  handle(request: Req, ctx: KafkaContext): Promise<Res | null>;
  /**
   * The whole request refused with one error code (a BrokerError the handler did not catch, or an ACL
   * refusal); `errorMessage` goes into responses whose results carry one.
   */
  errorResponse(request: Req, errorCode: number, ctx: KafkaContext, errorMessage?: string): Res;
  /**
   * What a database outage that fails the whole request is answered with: the code this API's clients
   * retry without dropping partitions or restarting (default KAFKA_STORAGE_ERROR). See handlers/errors.ts.
   */
  outage?: KafkaErrorName;
}

/** Keeps the request and response types of one handler tied together while the registry holds them all. */
export function defineHandler<Req, Res>(handler: ApiHandler<Req, Res>): ApiHandler {
  return handler as unknown as ApiHandler;
}
