/**
 * The served OpenAPI documents, built and serialized once (resources only change at startup), with the
 * hashes and ETags the HTTP handlers need: `/openapi/v2`, the `/openapi/v3` index and one
 * `/openapi/v3/apis/<g>/<v>` document per group/version.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_INFO, groupVersionPath, type GroupVersion, type OpenAPIInfo, type OpenAPIResource } from './resource.js';
import { buildV2Document } from './v2.js';
import { encodeOpenAPIV2 } from './v2-protobuf.js';
import { buildV3GroupVersionDocument, buildV3Index } from './v3.js';

/** Uppercase hex SHA-512 of a serialized document: the v3 `?hash=` value. */
export function hashOf(json: string): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

/** The quoted ETag of a serialized document: `"<uppercase hex SHA-512>"`. */
export function etagOf(json: string): string {
  return `"${hashOf(json)}"`;
}

/** A document as served: its JSON text, hash and ETag. */
export interface SerializedDocument {
  readonly json: string;
  /** Uppercase hex SHA-512 of `json`. */
  readonly hash: string;
  /** `"<hash>"`. */
  readonly etag: string;
}

/** Serializes a document once. */
export function serialize(doc: unknown): SerializedDocument {
  const json = JSON.stringify(doc);
  const hash = hashOf(json);
  return { json, hash, etag: `"${hash}"` };
}

/** One served v3 group/version document. */
export interface V3GroupVersionDocument extends SerializedDocument, GroupVersion {
  /** The index key and URL tail: `apis/<g>/<v>`. */
  readonly path: string;
  /** `/openapi/v3/apis/<g>/<v>?hash=<hash>`, the URL the index lists. */
  readonly serverRelativeURL: string;
}

/**
 * All OpenAPI documents of a server. Built lazily on first use, then cached; construct it once with the
 * full resource list.
 */
export class OpenAPIDocuments {
  private v2Doc: SerializedDocument | undefined;
  private v2Proto: { bytes: Uint8Array; etag: string } | undefined;
  private v3Docs: Map<string, V3GroupVersionDocument> | undefined;
  private v3IndexDoc: SerializedDocument | undefined;

  constructor(
    private readonly resources: readonly OpenAPIResource[],
    private readonly info: OpenAPIInfo = DEFAULT_INFO,
  ) {}

  /** `/openapi/v2`. */
  v2(): SerializedDocument {
    this.v2Doc ??= serialize(buildV2Document(this.resources, this.info));
    return this.v2Doc;
  }

  /**
   * `/openapi/v2` in protobuf (gnostic's `openapi.v2.Document`), with the JSON document's ETag (as
   * kube-apiserver: the response varies by Accept).
   */
  v2Protobuf(): { bytes: Uint8Array; etag: string } {
    const json = this.v2();
    this.v2Proto ??= { bytes: encodeOpenAPIV2(JSON.parse(json.json) as Record<string, unknown>), etag: json.etag };
    return this.v2Proto;
  }

  /** The served group/versions, in registration order. */
  groupVersions(): GroupVersion[] {
    const seen = new Map<string, GroupVersion>();
    for (const r of this.resources) seen.set(groupVersionPath(r), { group: r.group, version: r.version });
    return [...seen.values()];
  }

  /** The v3 document of one group/version, or undefined when it is not served. */
  v3(group: string, version: string): V3GroupVersionDocument | undefined {
    return this.v3ByPath(groupVersionPath({ group, version }));
  }

  /** The v3 document by its index key / URL tail (`apis/<g>/<v>`, no leading slash), or undefined. */
  v3ByPath(path: string): V3GroupVersionDocument | undefined {
    return this.v3All().get(path.replace(/^\/+/, ''));
  }

  /** `/openapi/v3`: the index listing each group/version document with its current hash. */
  v3Index(): SerializedDocument {
    this.v3IndexDoc ??= serialize(buildV3Index([...this.v3All().values()]));
    return this.v3IndexDoc;
  }

  private v3All(): Map<string, V3GroupVersionDocument> {
    if (this.v3Docs !== undefined) return this.v3Docs;
    const docs = new Map<string, V3GroupVersionDocument>();
    for (const gv of this.groupVersions()) {
      const served = this.resources.filter((r) => r.group === gv.group && r.version === gv.version);
      const doc = serialize(buildV3GroupVersionDocument(served, this.info, this.resources));
      const path = groupVersionPath(gv);
      docs.set(path, { ...doc, ...gv, path, serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` });
    }
    this.v3Docs = docs;
    return docs;
  }
}
