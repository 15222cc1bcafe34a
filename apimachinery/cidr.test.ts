import assert from 'node:assert/strict';
import { cidrsOverlap, cidrValueErrors, formatCIDR, formatIP, isCanonicalCIDR, isIPv4Address, parseCIDR, parseIP } from './cidr.js';

describe('apimachinery CIDRs (Go net.ParseCIDR)', () => {
  const c = (s: string) => {
    const r = parseCIDR(s);
    assert.ok(r !== undefined, s);
    return r;
  };

  it('parses IPv4 and IPv6 and prints them as Go does', () => {
    assert.equal(formatCIDR(c('10.250.0.0/16')), '10.250.0.0/16');
    assert.equal(formatCIDR(c('2001:DB8:0:0::/64')), '2001:db8::/64');
    assert.equal(formatIP(c('::ffff:10.0.0.0/104').network), '10.0.0.0');
    assert.equal(formatIP(parseIP('2001:db8:0:0:1:0:0:1') ?? assert.fail()), '2001:db8::1:0:0:1');
    assert.equal(isIPv4Address(c('::ffff:10.0.0.0/104').network), true);
  });

  it('refuses what Go refuses', () => {
    for (const s of ['10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', '10.0.0/8', '::1::/64', 'fe80::1%eth0/64', '10.0.0.0/x']) assert.equal(parseCIDR(s), undefined, s);
    assert.ok(parseCIDR('010.0.0.0/8', true), 'the sloppy parser allows leading zeros');
  });

  it('tells canonical form and overlap', () => {
    assert.equal(isCanonicalCIDR(c('10.0.0.1/8')), false);
    assert.equal(isCanonicalCIDR(c('10.0.0.0/8')), true);
    assert.equal(cidrsOverlap(c('100.96.0.0/11'), c('100.64.0.0/13')), false);
    assert.equal(cidrsOverlap(c('10.0.0.0/8'), c('10.250.0.0/16')), true);
    assert.equal(cidrsOverlap(c('10.0.0.0/8'), c('2001:db8::/64')), false);
  });

  it('applies Kubernetes strict CIDR rules', () => {
    assert.deepEqual(cidrValueErrors('10.0.0.0/8'), []);
    assert.deepEqual(cidrValueErrors('10.0.0.1/8'), ['must not have bits set beyond the prefix length']);
    assert.deepEqual(cidrValueErrors('010.0.0.0/8'), ['must not have leading 0s in IP or prefix length']);
    assert.deepEqual(cidrValueErrors('2001:DB8::/64'), ['must be in canonical form ("2001:db8::/64")']);
    assert.deepEqual(cidrValueErrors('foo'), ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  });
});
