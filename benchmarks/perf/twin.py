#!/usr/bin/python3
"""SimPy twin of meshsim's reduced Envoy-sidecar model (performance anchor).

One client-side Envoy sends Poisson traffic to N upstream hosts.  Per host: an
HTTP/1.1 connection pool (simpy.Resource of capacity --max-connections, a
pending queue capped at --max-pending, RTT 0), lognormal (or exponential)
service time, host 0 answers 503 with probability --fail-host-rate.
Load balancing: round robin or least request (power of two choices).
Optional retries on endpoint 503 and consecutive-5xx outlier detection.

Run with Debian's SimPy 3 under /usr/bin/python3:
    /usr/bin/python3 twin.py --requests 200000
Prints one JSON line.  twin-default.yaml beside it is the same model for meshsim.
"""
import argparse
import json
import math
import random
import resource
import sys
import time

import simpy

UNLIMITED = 4294967295  # what Istio writes for unset connectionPool limits (2^32-1)

# outlier detection constants (Envoy/Istio defaults except max ejection %)
CONSECUTIVE_5XX = 5
EJECTION_TIME_S = 30.0
SWEEP_INTERVAL_S = 10.0
MAX_EJECTION_PERCENT = 50


class Host:
    def __init__(self, env, index, max_connections):
        self.index = index
        self.conns = simpy.Resource(env, capacity=max_connections)
        self.active = 0            # requests attached to a connection (Envoy rq_active)
        self.consecutive_5xx = 0
        self.ejected = False
        self.ejected_at = 0.0


class Sidecar:
    def __init__(self, env, args):
        self.env = env
        self.args = args
        self.rng = random.Random(args.seed)
        self.hosts = [Host(env, i, args.max_connections) for i in range(args.hosts)]
        self.healthy = list(self.hosts)    # LB candidates: hosts not ejected
        self.rr_index = 0

        if args.service == "lognormal":
            mu = math.log(args.latency_median_ms / 1000.0)
            sigma = (math.log(args.latency_p99_ms) - math.log(args.latency_median_ms)) / 2.3263
            self.service_time = lambda: self.rng.lognormvariate(mu, sigma)
        else:
            rate = 1000.0 / args.service_mean_ms
            self.service_time = lambda: self.rng.expovariate(rate)

        self.pick = self.pick_round_robin if args.lb == "round_robin" else self.pick_least_request

        # statistics
        self.latencies = []
        self.errors = 0
        self.overflow = 0
        self.retries = 0
        self.ejections = 0
        self.ejections_overflow = 0
        self.generated = 0
        self.finished = 0
        self.done = env.event()

        env.process(self.source())
        if args.outlier:
            env.process(self.sweeper())

    # -- load balancing ------------------------------------------------------
    def candidates(self):
        # never empty with the 50 % cap; fall back to all hosts to be safe
        return self.healthy or self.hosts

    def pick_round_robin(self):
        hosts = self.candidates()
        host = hosts[self.rr_index % len(hosts)]
        self.rr_index += 1
        return host

    def pick_least_request(self):
        hosts = self.candidates()
        first = self.rng.choice(hosts)      # two draws, with replacement
        second = self.rng.choice(hosts)
        return second if second.active < first.active else first   # tie: first drawn

    # -- processes -----------------------------------------------------------
    def source(self):
        rng, rps = self.rng, self.args.rps
        for _ in range(self.args.requests):
            yield self.env.timeout(rng.expovariate(rps))
            self.generated += 1
            self.env.process(self.request())

    def request(self):
        env, args = self.env, self.args
        start = env.now
        tries_left = args.retries
        while True:
            host = self.pick()
            pool = host.conns
            if pool.count >= pool.capacity and len(pool.queue) >= args.max_pending:
                self.overflow += 1             # local 503 (UO): never retried, never seen by outlier detection
                status = 503
                break
            with pool.request() as conn:
                yield conn
                host.active += 1
                yield env.timeout(self.service_time())
                host.active -= 1
            if host.index == 0 and self.rng.random() < args.fail_host_rate:
                status = 503
            else:
                status = 200
            if args.outlier:
                self.outlier_result(host, status)
            if status == 503 and tries_left > 0:
                tries_left -= 1
                self.retries += 1
                continue
            break
        if status >= 500:
            self.errors += 1
        self.latencies.append(env.now - start)
        self.finished += 1
        if self.finished == args.requests:
            self.done.succeed()

    # -- outlier detection ---------------------------------------------------
    def outlier_result(self, host, status):
        if status < 500:
            host.consecutive_5xx = 0
            return
        host.consecutive_5xx += 1
        if host.consecutive_5xx == CONSECUTIVE_5XX:
            host.consecutive_5xx = 0            # reset whether or not the ejection happens
            if not host.ejected:
                self.eject(host)

    def eject(self, host):
        active = len(self.hosts) - len(self.healthy)
        if 100 * (active + 1) / len(self.hosts) > MAX_EJECTION_PERCENT:
            self.ejections_overflow += 1
            return
        host.ejected = True
        host.ejected_at = self.env.now
        self.healthy.remove(host)
        self.ejections += 1

    def sweeper(self):
        while True:
            yield self.env.timeout(SWEEP_INTERVAL_S)
            now = self.env.now
            for host in self.hosts:
                if host.ejected and now - host.ejected_at >= EJECTION_TIME_S:
                    host.ejected = False
                    host.consecutive_5xx = 0
                    self.healthy = [h for h in self.hosts if not h.ejected]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hosts", type=int, default=3)
    p.add_argument("--rps", type=float, default=2000.0)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--service", choices=["lognormal", "exponential"], default="lognormal")
    p.add_argument("--latency-median-ms", type=float, default=20.0)
    p.add_argument("--latency-p99-ms", type=float, default=100.0)
    p.add_argument("--service-mean-ms", type=float, default=20.0,
                   help="mean of the exponential service time (--service exponential)")
    p.add_argument("--fail-host-rate", type=float, default=0.3)
    p.add_argument("--lb", choices=["round_robin", "least_request"], default="round_robin")
    p.add_argument("--max-connections", type=int, default=UNLIMITED)
    p.add_argument("--max-pending", type=int, default=UNLIMITED)
    p.add_argument("--retries", type=int, default=0)
    p.add_argument("--outlier", action="store_true")
    args = p.parse_args(argv)
    if args.hosts < 1 or args.requests < 1 or args.max_connections < 1 or args.max_pending < 0:
        p.error("need --hosts >= 1, --requests >= 1, --max-connections >= 1, --max-pending >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    env = simpy.Environment()
    sidecar = Sidecar(env, args)
    env.run(until=sidecar.done)
    t_run = time.perf_counter()
    lat = sorted(sidecar.latencies)
    n = len(lat)
    p99 = lat[max(0, math.ceil(0.99 * n) - 1)]
    mean = math.fsum(lat) / n
    wall = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB
    out = {
        "bench": "simpy-twin",
        "requests": args.requests,
        "wallSec": round(wall, 4),
        "simRequestsPerSec": round(args.requests / wall, 1),
        "errorRate": sidecar.errors / n,
        "overflow": sidecar.overflow,
        "p99Ms": round(p99 * 1000.0, 4),
        "maxRssMB": round(rss_mb, 1),
        # extras (not part of the required schema)
        "errors": sidecar.errors,
        "meanLatencyMs": round(mean * 1000.0, 4),
        "retries": sidecar.retries,
        "ejections": sidecar.ejections,
        "ejectionsOverflow": sidecar.ejections_overflow,
        "simSec": round(env.now, 3),
        "runSec": round(t_run - t0, 4),
        "seed": args.seed,
    }
    print(json.dumps(out, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
