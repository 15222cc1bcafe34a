/**
 * Response compression as kube-apiserver's (APIResponseCompression): a body of more than 128 KiB goes
 * out gzip-encoded at BestSpeed to a client whose `Accept-Encoding` lists `gzip`, with
 * `Vary: Accept-Encoding`; smaller bodies and watches never. Go clients (kubectl, gardenlet) ask for
 * gzip by default, so large lists cross the network compressed. Compression runs on libuv's thread
 * pool, off the event loop.
 */
import type { IncomingMessage } from 'node:http';
import { constants, createGzip, gzip, type Gzip } from 'node:zlib';
import type { Response } from 'express';
import { drained } from './backpressure.js';

/** Bodies longer than this are compressed. */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;

const LEVEL = constants.Z_BEST_SPEED;

/** Whether the request's `Accept-Encoding` has a `gzip` token (kube-apiserver reads no quality values). */
export function acceptsGzip(req: IncomingMessage | undefined): boolean {
  const header = req?.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((token) => token.trim() === 'gzip');
}

function markCompressed(res: Response): void {
  res.setHeader('Content-Encoding', 'gzip');
  res.appendHeader('Vary', 'Accept-Encoding');
  res.removeHeader('Content-Length');
}

/**
 * Ends `res` with `data`, compressed when it is long enough and the client accepts gzip. Headers other
 * than the encoding's must be set already.
 */
export function endMaybeCompressed(res: Response, data: Buffer | string): void {
  const length = Buffer.byteLength(data);
  if (length <= GZIP_THRESHOLD_BYTES || !acceptsGzip(res.req)) {
    res.setHeader('Content-Length', length);
    res.end(data);
    return;
  }
  gzip(data, { level: LEVEL }, (err, zipped) => {
    if (res.destroyed) return;
    if (err !== null) {
      res.setHeader('Content-Length', length);
      res.end(data);
      return;
    }
    markCompressed(res);
    res.setHeader('Content-Length', zipped.length);
    res.end(zipped);
  });
}

/**
 * Where a streamed body (a list) is written: the response itself, or a gzip stream into it once more
 * than {@link GZIP_THRESHOLD_BYTES} are on their way to a client that accepts gzip. Until then the
 * bytes are held, so that a short body goes out as it is.
 */
export class StreamedBody {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private decided: boolean;
  private zip: Gzip | undefined;

  constructor(private readonly res: Response) {
    this.decided = !acceptsGzip(res.req);
  }

  /** True once the client is gone. */
  get destroyed(): boolean {
    return this.res.destroyed;
  }

  write(data: Buffer): void {
    if (this.decided) {
      (this.zip ?? this.res).write(data);
      return;
    }
    this.held.push(data);
    this.heldBytes += data.length;
    if (this.heldBytes > GZIP_THRESHOLD_BYTES) this.decide(true);
  }

  /**
   * Resolves when the body can take more, or the client is gone. The gzip stream is piped into the
   * response, so it stops draining while the connection is backed up (and is destroyed with it).
   */
  drained(): Promise<void> {
    return drained(this.zip ?? this.res);
  }

  end(data: Buffer | string): void {
    this.write(typeof data === 'string' ? Buffer.from(data) : data);
    if (!this.decided) this.decide(false);
    (this.zip ?? this.res).end();
  }

  /** Sends what is held, compressed or not; from now on writes go straight through. */
  private decide(compress: boolean): void {
    this.decided = true;
    const data = Buffer.concat(this.held);
    this.held = [];
    if (!compress) {
      this.res.write(data);
      return;
    }
    markCompressed(this.res);
    const zip = createGzip({ level: LEVEL });
    zip.pipe(this.res);
    this.res.once('close', () => zip.destroy());
    this.zip = zip;
    zip.write(data);
  }
}
