import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { listenHost } from './bind.js';

/** True when a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host, port }, () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

describe('listenHost', () => {
  it('keeps addresses other than the IPv4 wildcard as given', async () => {
    for (const a of ['127.0.0.1', '::1', '::', '10.0.0.1', 'localhost']) assert.equal(await listenHost(a), a);
  });

  it('listens on IPv4 and IPv6 for 0.0.0.0, as Go does, where the machine has IPv6', async function () {
    const host = await listenHost('0.0.0.0');
    if (host === '0.0.0.0') this.skip(); // no IPv6 on this machine: Go would bind IPv4 only as well
    assert.equal(host, '::');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(await accepts('127.0.0.1', port), true, 'IPv4 loopback');
      assert.equal(await accepts('::1', port), true, 'IPv6 loopback');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
