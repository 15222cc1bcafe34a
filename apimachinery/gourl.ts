/**
 * The part of Go's net/url that Gardener's checks of URLs depend on: `url.Parse`'s scheme, host,
 * userinfo, query and fragment, and its error texts for URLs it refuses.
 */

/** The parts of a URL Go's url.Parse would report, or its error text. */
export interface ParsedURL {
  scheme: string;
  host: string;
  user: string | undefined;
  query: string;
  fragment: string;
}

/** Characters Go's url.Parse accepts in a host name as they are (besides letters and digits). */
const HOST_CHARS = new Set("-_.~!$&'()*+,;=:[]<>\"");
/** Characters Go accepts in userinfo as they are (besides letters and digits). */
const USERINFO_CHARS = new Set("-._:~!$&'()*+,;=%@");
const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

/** Go's validOptionalPort: empty, or a colon and digits. */
function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** The error url.Parse reports for a host (parseHost: brackets, port, escapes, characters), if any. */
function hostError(host: string): string | undefined {
  let name = host;
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return "missing ']' in host";
    const port = host.slice(i + 1);
    if (!validOptionalPort(port)) return `invalid port ${JSON.stringify(port)} after host`;
    // An IPv6 zone (after %25) may escape anything; its escapes need only be well formed.
    const zone = host.indexOf('%25');
    name = zone >= 0 && zone < i ? host.slice(0, zone) : host.slice(0, i + 1);
    const zoneEscape = zone >= 0 && zone < i ? /%(?![0-9A-Fa-f]{2})/.exec(host.slice(zone + 3, i)) : null;
    if (zoneEscape !== null) return `invalid URL escape ${JSON.stringify(host.slice(zone + 3 + zoneEscape.index, zone + 6 + zoneEscape.index))}`;
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validOptionalPort(host.slice(i))) return `invalid port ${JSON.stringify(host.slice(i))} after host`;
  }
  for (let i = 0; i < name.length; i++) {
    const c = name[i] ?? '';
    if (c === '%') {
      const escape = name.slice(i, i + 3);
      // In a host only bytes beyond ASCII may be escaped (and %25, the IPv6 zone's percent sign).
      if (!/^%[0-9A-Fa-f]{2}$/.test(escape) || (parseInt(escape.slice(1, 2), 16) < 8 && escape !== '%25')) return `invalid URL escape ${JSON.stringify(escape)}`;
      i += 2;
    } else if (c.charCodeAt(0) < 0x80 && !isAlnum(c) && !HOST_CHARS.has(c)) {
      return `invalid character ${JSON.stringify(c)} in host name`;
    }
  }
  return undefined;
}

/** A small url.Parse: scheme, authority (user@host), query and fragment; Go's error text otherwise. */
export function parseGoURL(raw: string): ParsedURL | string {
  if (/[\x00-\x1f\x7f]/.test(raw)) return `parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`;
  if (raw.startsWith(':')) return `parse ${JSON.stringify(raw)}: missing protocol scheme`;
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  const scheme = m?.[1]?.toLowerCase() ?? '';
  if (m !== null) rest = rest.slice(m[0].length);
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0] ?? '';
    const at = authority.lastIndexOf('@');
    user = at >= 0 ? authority.slice(0, at) : undefined;
    host = at >= 0 ? authority.slice(at + 1) : authority;
    // Go quotes the URL without its fragment, and checks the host before the userinfo.
    const parsed = hash >= 0 ? raw.slice(0, hash) : raw;
    const bad = hostError(host);
    if (bad !== undefined) return `parse ${JSON.stringify(parsed)}: ${bad}`;
    if (user !== undefined && [...user].some((c) => !isAlnum(c) && !USERINFO_CHARS.has(c))) return `parse ${JSON.stringify(parsed)}: net/url: invalid userinfo`;
  }
  return { scheme, host, user, query, fragment };
}

/** Bytes a request path may carry percent-encoded that this server decodes (see {@link unescapeRequestPath}). */
const DECODED_IN_PATHS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]$/;

/**
 * A request path as Go's server reads it (`url.URL.Path`, which Kubernetes' request info splits):
 * percent-escapes decoded, so `/apis/…/internalsecrets/ex%61mple` names `example` and `a%2Fb` is two
 * segments. Escapes of characters that would change the request target if written as they are (`%`,
 * `?`, `#`, spaces, control characters, bytes beyond ASCII) stay escaped: no valid name or path holds
 * them, so such a request finds nothing either way. Returns undefined for a malformed escape (`%zz`),
 * which Go's server refuses with 400.
 */
export function unescapeRequestPath(path: string): string | undefined {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const decoded = String.fromCharCode(parseInt(hex, 16));
    out += DECODED_IN_PATHS.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}
