import type { BreakerGauge } from '../envoy/circuit-breakers.js';
import { clusterName } from '../envoy/cluster.js';

import type { BreakerOpenReport } from './circuit-breaker-tracker.js';
import type { ClientReport } from './client-observer.js';
import type { TimelinePoint } from './timeline.js';

/** Per-host figures of a cluster. */
export interface HostReport {
  address: string;
  locality: string;
  priority: number;
  /** Streams this host received (Envoy's host rq_total); on a tcp-proxied cluster, sessions (connections). */
  rqTotal: number;
  /** Attempts that failed on this host: 5xx answers, retried answers, resets and timeouts retried or not (Envoy's host rq_error). */
  rqError: number;
  ejections: number;
  ejectedMs: number;
  /** A DNS refresh removed the host: it drained and took no new request after. */
  removed?: boolean;
  /** LOGICAL_DNS: requests by the address their connection reached (keep-alive sticks to one); tcp-proxied: application requests. */
  requestsByAddress?: Record<string, number>;
  /** Tcp-proxied clusters: application requests its sessions carried (invisible to Envoy's stats). */
  appRequests?: number;
  /** …and how many of them failed: a 5xx passed through, or the connection closed unanswered (status 0). */
  appErrors?: number;
}

/** An outlier ejection: from `atMs` until `untilMs` (null when still ejected at the end). */
export interface EjectionReport {
  host: string;
  atMs: number;
  untilMs: number | null;
  type: string;
}

export interface ClusterReport {
  /**
   * `tcp`: the port is tcp-proxied (HTTPS, TLS, TCP …): no HTTP route, timeout, retry or fault ran, and
   * only connect outcomes reached outlier detection. Absent: the HTTP router.
   */
  proxy?: 'tcp';
  /** Envoy's own stat names (cluster.<name>.*), sorted. */
  stats: Record<string, number>;
  hosts: HostReport[];
  /** The cluster's ejections in time order: the first 10,000 (each host's `ejections` counts them all). */
  ejections: EjectionReport[];
  /** Ejections after the first 10,000, counted but not listed, so a long run's report stays bounded. */
  ejectionsNotListed?: number;
  /**
   * The circuit_breakers.default.*_open gauges that were ever 1 (resource at or over its max): total ms
   * open and openings. Absent when no breaker opened.
   */
  circuitBreakers?: Partial<Record<BreakerGauge, BreakerOpenReport>>;
}

/** Why a run stopped before its end: its event budget ran out, too many requests were in flight, or it was interrupted. */
export type PartialCause = 'event-budget' | 'in-flight-limit' | 'interrupted';

/** A run that stopped early: what it had counted until then is the report. */
export interface PartialRun {
  cause: PartialCause;
  /** One line: what ran out, when, and what to change. */
  message: string;
  /** Simulated time at which the run stopped. */
  atMs: number;
  /** The input field that drives the cause, e.g. `spec.limits.maxRequestsInFlight`, with its file and line when known. */
  field?: string;
}

/** What `simulate()` returns and `meshsim run --format json` prints (docs/report.md describes every field). */
export interface Report {
  /** The report's shape (`REPORT_SCHEMA_VERSION`): raised when a field changes meaning or goes away. */
  schemaVersion: number;
  /** The version of @meshsim/core that made the report. */
  meshsimVersion: string;
  scenario: string;
  seed: number;
  durationMs: number;
  client: ClientReport;
  /** Keyed by Istio's cluster name, `outbound|PORT|SUBSET|HOST`. */
  clusters: Record<string, ClusterReport>;
  timeline: TimelinePoint[];
  /** The width of a timeline bucket (the Scenario's `report.timelineBucket`, widened for very long runs). */
  timelineBucketMs?: number;
  /** Requests still unanswered when the run stopped waiting for them (see `drainMs`). */
  unfinished: number;
  /** The Scenario timeline's phase labels, where each phase starts. */
  phases: Array<{ atMs: number; label: string }>;
  /** Warnings about the input (file:line:col severity path: message). */
  warnings: string[];
  /** Present only when the run stopped before its end; every count above is up to `partial.atMs`. */
  partial?: PartialRun;
}

/** The application requests `host` served: its streams, or on a tcp-proxied cluster what its sessions carried. */
export function hostRequests(cluster: ClusterReport, host: HostReport): number {
  return cluster.proxy === 'tcp' ? (host.appRequests ?? 0) : host.rqTotal;
}

/** …and how many failed: Envoy's host rq_error, or on a tcp-proxied cluster 5xx and unanswered requests. */
export function hostFailures(cluster: ClusterReport, host: HostReport): number {
  return cluster.proxy === 'tcp' ? (host.appErrors ?? 0) : host.rqError;
}

/**
 * The name Istio gives the sidecar's cluster for `host`, `port` and a DestinationRule `subset` (none by
 * default): `outbound|PORT|SUBSET|HOST`, the key of `Report.clusters`.
 */
export function outboundClusterName(host: string, port: number, subset = ''): string {
  return clusterName(port, subset, host);
}
