import { describe, expect, it } from 'vitest';
import { MaglevPicker } from '../src/upstream/lb/maglev.js';
import { cookieValue, queryParameter, RequestHasher } from '../src/upstream/lb/request-hash.js';
import { RingHashPicker } from '../src/upstream/lb/ring-hash.js';
import { type Uint64, uint64ToBigInt } from '../src/upstream/lb/uint64.js';
import { xxHash64 } from '../src/upstream/lb/xxhash64.js';
import { makeHosts, rngOf } from './lb-fixtures.js';

// XXH64 reference values, seed 0 (xxHash's published test vectors).
const XXH64_EMPTY = 0xef46db3751d8e999n;
const XXH64_A = 0xd24ec4f1a98c6e5bn;
const XXH64_ABC = 0x44bc2cf5ad770999n;

const fresh = (): Uint64 => ({ hi: 0, lo: 0 });

/** The request's hash as a bigint, or null when it has none. */
function hashOf(hasher: RequestHasher, request: Parameters<RequestHasher['hash']>[0]): bigint | null {
  const out = fresh();
  return hasher.hash(request, out) ? uint64ToBigInt(out) : null;
}

/** One request carrying a different value for every kind of key. */
const request = {
  headers: { 'x-user': 'a', cookie: 'theme=dark; user="abc"' },
  path: '/cart?lang=en&user=&id=7',
  remoteAddress: { ip: '10.1.2.3', port: 40_000 },
  localAddress: { ip: '203.0.113.9', port: 443 },
};

describe('XXH64 (the library behind every hash)', () => {
  it('matches the reference vectors', () => {
    expect(xxHash64('')).toBe(XXH64_EMPTY);
    expect(xxHash64('a')).toBe(XXH64_A);
    expect(xxHash64('abc')).toBe(XXH64_ABC);
  });
});

describe('RequestHasher (Istio consistentHash → Envoy hash_policy)', () => {
  it('hashes the value of the configured key only', () => {
    expect(hashOf(new RequestHasher({ httpHeaderName: 'x-user' }), request)).toBe(XXH64_A);
    expect(hashOf(new RequestHasher({ httpCookie: { name: 'user' } }), request)).toBe(XXH64_ABC);
    expect(hashOf(new RequestHasher({ httpQueryParameterName: 'user' }), request)).toBe(XXH64_EMPTY);
    expect(hashOf(new RequestHasher({ useSourceIp: true }), request)).toBe(xxHash64('10.1.2.3'));
  });

  it('is deterministic and does not depend on other requests', () => {
    const hasher = new RequestHasher({ httpHeaderName: 'x-user' });
    const values = ['alice', 'bob', 'alice'].map((v) => hashOf(hasher, { headers: { 'x-user': v } }));
    expect(values[0]).toBe(values[2]);
    expect(values[0]).not.toBe(values[1]);
  });

  it('matches header names case-insensitively and sorts repeated values before hashing them together', () => {
    const hasher = new RequestHasher({ httpHeaderName: 'X-User' });
    const ab = hashOf(hasher, { headers: { 'x-user': ['b', 'a'] } });
    expect(ab).toBe(xxHash64('ab'));
    expect(hashOf(hasher, { headers: { 'x-user': ['a', 'b'] } })).toBe(ab);
  });

  it('gives no hash when the request lacks the value', () => {
    const out = { hi: 7, lo: 9 };
    expect(new RequestHasher({ httpHeaderName: 'x-tenant' }).hash(request, out)).toBe(false);
    expect(out).toEqual({ hi: 7, lo: 9 }); // untouched
    expect(hashOf(new RequestHasher({ httpCookie: { name: 'session' } }), request)).toBeNull();
    expect(hashOf(new RequestHasher({ httpQueryParameterName: 'page' }), request)).toBeNull();
    expect(hashOf(new RequestHasher({ useSourceIp: true }), {})).toBeNull();
    expect(hashOf(new RequestHasher({ useSourceIp: false }), request)).toBeNull(); // no policy at all
    expect(hashOf(new RequestHasher({}), request)).toBeNull();
  });

  it('hashes the source IP without its port', () => {
    const hasher = new RequestHasher({ useSourceIp: true });
    const other = { ...request, remoteAddress: { ip: '10.1.2.3', port: 1 } };
    expect(hashOf(hasher, other)).toBe(hashOf(hasher, request));
  });

  it('makes a cookie when it is missing and a ttl is set, and hashes that', () => {
    const hasher = new RequestHasher({ httpCookie: { name: 'session', ttl: { ms: 0 } } });
    const hash = hashOf(hasher, request);
    // Envoy: hex(XXH64(remote.asString() + local.asString())), 16 digits.
    const cookie = xxHash64('10.1.2.3:40000203.0.113.9:443').toString(16).padStart(16, '0');
    expect(hasher.generatedCookie).toBe(cookie);
    expect(hash).toBe(xxHash64(cookie));
    expect(hashOf(hasher, { headers: request.headers })).toBeNull(); // no addresses to make one from
    expect(hasher.generatedCookie).toBeNull();
  });
});

describe('cookie and query parsing as Envoy does it', () => {
  it('takes the first cookie of that name over all Cookie headers, quotes stripped', () => {
    expect(cookieValue(['a=1; b', ' user=x; user=y'], 'user')).toBe('x');
    expect(cookieValue('user="q"', 'user')).toBe('q');
    expect(cookieValue('xuser=1', 'user')).toBe('');
    expect(cookieValue(undefined, 'user')).toBe('');
  });

  it('reads query parameters raw, first one wins, a bare name is ""', () => {
    expect(queryParameter('/p?user=a%20b&user=c', 'user')).toBe('a%20b');
    expect(queryParameter('/p?flag&x=1', 'flag')).toBe('');
    expect(queryParameter('/p', 'user')).toBeUndefined();
    expect(queryParameter('/p?users=1', 'user')).toBeUndefined();
  });
});

describe('hashing into the consistent-hash pickers', () => {
  it('sends one key to one host, and different keys across hosts', () => {
    const hosts = makeHosts(8);
    const ring = new RingHashPicker(rngOf('r'));
    const maglev = new MaglevPicker(rngOf('m'));
    ring.refresh(hosts, 0);
    maglev.refresh(hosts, 0);
    const hasher = new RequestHasher({ httpHeaderName: 'x-user' });
    const out = fresh();
    const ringHosts = new Set();
    const maglevHosts = new Set();
    for (let user = 0; user < 200; user++) {
      hasher.hash({ headers: { 'x-user': `user-${user}` } }, out);
      const first = ring.pick(out, 0);
      expect(ring.pick(out, 0)).toBe(first);
      ringHosts.add(first);
      maglevHosts.add(maglev.pick(out, 0));
    }
    expect(ringHosts.size).toBe(8); // 200 keys miss a host with probability < 8·(7/8)^200 ≈ 2e-11
    expect(maglevHosts.size).toBe(8);
  });
});
