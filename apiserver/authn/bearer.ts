/**
 * Bearer tokens: taken from `Authorization: Bearer <token>` or, on WebSocket upgrades, from the
 * subprotocol `base64url.bearer.authorization.k8s.io.<base64url token>`, and checked by token
 * authenticators (the `--token-auth-file`, a TokenReview to the garden cluster).
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../../registry/types.js';
import { AuthenticationError, type Authenticator } from './types.js';
import { isWebSocketRequest } from '../upgrade.js';

/** Checks one token. */
export interface TokenAuthenticator {
  /** The user, null when the token is unknown here, or throws {@link AuthenticationError} when it is rejected. */
  authenticateToken(token: string): Promise<UserInfo | null>;
}

const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** Token authenticators in order: the first user wins; errors surface only when none accepts the token. */
export function tokenUnion(authenticators: readonly TokenAuthenticator[]): TokenAuthenticator {
  return {
    async authenticateToken(token) {
      let firstError: unknown;
      let failed = false;
      for (const a of authenticators) {
        try {
          const user = await a.authenticateToken(token);
          if (user !== null) return user;
        } catch (e: unknown) {
          if (!failed) firstError = e;
          failed = true;
        }
      }
      if (failed) throw firstError;
      return null;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerFromAuthorization(req: IncomingMessage): string | undefined {
  const header = (req.headers.authorization ?? '').trim();
  if (header === '') return undefined;
  const parts = header.split(' ');
  if (parts.length < 2 || (parts[0] ?? '').toLowerCase() !== 'bearer') return undefined;
  const token = parts[1] ?? '';
  return token === '' ? undefined : token;
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AuthenticationError('invalid base64.bearer.authorization token');
  }
}

/** The token and the other subprotocols of a WebSocket upgrade; undefined when it carries no token. Throws on a malformed one. */
export function bearerFromWebSocket(req: IncomingMessage): { token: string; otherProtocols: string[] } | undefined {
  if (!isWebSocketRequest(req)) return undefined;
  let token: string | undefined;
  const others: string[] = [];
  for (const headerValue of req.headersDistinct['sec-websocket-protocol'] ?? []) {
    for (const raw of headerValue.split(',')) {
      const protocol = raw.trim();
      if (!protocol.startsWith(BEARER_PROTOCOL_PREFIX)) {
        others.push(protocol);
        continue;
      }
      if (token !== undefined) throw new AuthenticationError('multiple base64.bearer.authorization tokens specified');
      const encoded = protocol.slice(BEARER_PROTOCOL_PREFIX.length);
      if (!/^[A-Za-z0-9_-]*$/.test(encoded)) throw new AuthenticationError('invalid base64.bearer.authorization token encoding');
      token = decodeUtf8(Buffer.from(encoded, 'base64url'));
    }
  }
  if (token === undefined || token === '') return undefined;
  if (others.length === 0) throw new AuthenticationError('missing additional subprotocol');
  return { token, otherProtocols: others };
}

async function checkToken(tokens: TokenAuthenticator, token: string): Promise<UserInfo> {
  const user = await tokens.authenticateToken(token);
  if (user === null) throw new AuthenticationError('invalid bearer token');
  return user;
}

/**
 * Authenticates requests carrying a bearer token: no token -> null; a token no authenticator accepts
 * -> {@link AuthenticationError} (401). On success the credential is removed from the request
 * (`Authorization` header, or the token subprotocol).
 */
export function bearerTokenAuthenticator(tokens: TokenAuthenticator): Authenticator {
  return {
    async authenticate(req) {
      const fromHeader = bearerFromAuthorization(req);
      if (fromHeader !== undefined) {
        const user = await checkToken(tokens, fromHeader);
        delete req.headers.authorization;
        return user;
      }
      const ws = bearerFromWebSocket(req);
      if (ws === undefined) return null;
      const user = await checkToken(tokens, ws.token);
      req.headers['sec-websocket-protocol'] = ws.otherProtocols.join(',');
      return user;
    },
  };
}
