/**
 * The address to listen on for `--bind-address`. Go listens on every IPv4 and IPv6 address for the
 * IPv4 wildcard `0.0.0.0` when the machine has IPv6 (one dual-stack socket), so kube-apiserver's pods
 * answer kubelet probes and the aggregator in IPv6 and dual-stack clusters alike; Node would bind IPv4
 * only. `0.0.0.0` therefore becomes `::` (dual-stack) where an IPv6 socket can be opened.
 */
import { createServer } from 'node:net';

let ipv6: Promise<boolean> | undefined;

/** Whether an IPv6 wildcard socket can be opened here (checked once). */
function hasIPv6(): Promise<boolean> {
  ipv6 ??= new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '::', port: 0, ipv6Only: false }, () => probe.close(() => resolve(true)));
  });
  return ipv6;
}

/** The host to listen on for `bindAddress`: `::` for `0.0.0.0` where IPv6 works, else as given. */
export async function listenHost(bindAddress: string): Promise<string> {
  return bindAddress === '0.0.0.0' && (await hasIPv6()) ? '::' : bindAddress;
}
