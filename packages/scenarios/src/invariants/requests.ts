import type { Report } from '@meshsim/core';
import type { Invariant, Violation } from './invariant.js';
import type { Trace } from './trace.js';

const ENDS_ONCE = 'everyRequestEndsOnce';

/**
 * Every client request ends exactly once, after it starts, in a trace that never goes back in
 * time. `unfinished` (the report's `unfinished`, default 0) requests may still be open at the end.
 */
export function everyRequestEndsOnce(options: { unfinished?: number } = {}): Invariant<Trace> {
  const unfinished = options.unfinished ?? 0;
  return (trace) => {
    const violations: Violation[] = [];
    const flag = (message: string, request?: number, atMs?: number) =>
      violations.push({
        invariant: ENDS_ONCE,
        message,
        ...(request === undefined ? {} : { request }),
        ...(atMs === undefined ? {} : { atMs }),
      });
    const open = new Map<number, number>();
    const ended = new Set<number>();
    let lastMs = Number.NEGATIVE_INFINITY;
    let index = 0;
    for (const event of trace) {
      if (event.tMs < lastMs)
        flag(
          `event ${index} (${event.type}) at ${event.tMs} ms comes after ${lastMs} ms`,
          undefined,
          event.tMs,
        );
      lastMs = Math.max(lastMs, event.tMs);
      index++;
      if (event.type === 'request') {
        if (open.has(event.request) || ended.has(event.request)) {
          flag(`request ${event.request} started twice`, event.request, event.tMs);
        } else {
          open.set(event.request, event.tMs);
        }
      } else if (event.type === 'response') {
        if (ended.has(event.request)) flag(`request ${event.request} ended twice`, event.request, event.tMs);
        else if (!open.has(event.request))
          flag(`request ${event.request} ended without starting`, event.request, event.tMs);
        else {
          open.delete(event.request);
          ended.add(event.request);
        }
      }
    }
    if (open.size !== unfinished) {
      const ids = [...open.keys()].slice(0, 5).join(', ');
      flag(
        `${open.size} request(s) never ended (${ids}${open.size > 5 ? ', …' : ''}); the run reports ${unfinished} unfinished`,
      );
    }
    return violations;
  };
}

const COUNTS_AGREE = 'clientCountsAgree';

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/**
 * The report counts each ended client request once everywhere: by status, by response flag and
 * in the timeline, its errors (5xx, or unanswered: status 0) the same in `byStatus`, the timeline and `errorRate`.
 */
export function clientCountsAgree(): Invariant<Report> {
  return (report) => {
    const { client } = report;
    const violations: Violation[] = [];
    const check = (what: string, counted: number, expected: number) => {
      if (counted !== expected)
        violations.push({ invariant: COUNTS_AGREE, message: `${what} is ${counted}, expected ${expected}` });
    };
    // An error is a 5xx, or no answer at all (status 0: a tcp-proxied connection closed unanswered).
    const errors = sum(
      Object.entries(client.byStatus)
        .filter(([status]) => Number(status) === 0 || (Number(status) >= 500 && Number(status) <= 599))
        .map(([, n]) => n),
    );
    check('the sum of client.byStatus', sum(Object.values(client.byStatus)), client.total);
    check('the sum of client.byFlag', sum(Object.values(client.byFlag)), client.total);
    check('the sum of timeline requests', sum(report.timeline.map((p) => p.requests)), client.total);
    check('the sum of timeline errors', sum(report.timeline.map((p) => p.errors)), errors);
    const rate = client.total === 0 ? 0 : errors / client.total;
    if (Math.abs(client.errorRate - rate) > 1e-12) {
      violations.push({
        invariant: COUNTS_AGREE,
        message: `client.errorRate is ${client.errorRate}, expected ${errors}/${client.total}`,
      });
    }
    return violations;
  };
}
