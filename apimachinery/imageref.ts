/**
 * Container image references (`registry.example.com:5000/team/app:1.2@sha256:...`) as
 * distribution/reference's Parse reads them: the grammar of domain, path components, tag and digest,
 * with the library's error texts.
 */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

const NAME_TOTAL_LENGTH_MAX = 255;
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** The parts of a parsed reference. */
export interface ImageReference {
  name: string;
  tag: string;
  digest: string;
}

/** A reference that does not parse; `message` is the library's text. */
export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

function checkDigest(digest: string): void {
  const [algorithm = '', hex = ''] = digest.split(':');
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (want === undefined) throw new ImageReferenceError('unsupported digest algorithm');
  if (hex.length !== want) throw new ImageReferenceError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new ImageReferenceError('invalid checksum digest format');
}

/** Parses `text`. @throws ImageReferenceError */
export function parseImageReference(text: string): ImageReference {
  const m = REFERENCE.exec(text);
  if (m === null) {
    if (text === '') throw new ImageReferenceError('repository name must have at least one component');
    if (REFERENCE.test(text.toLowerCase())) throw new ImageReferenceError('repository name must be lowercase');
    throw new ImageReferenceError('invalid reference format');
  }
  const name = m[1] ?? '';
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new ImageReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const digest = m[3] ?? '';
  if (digest !== '') checkDigest(digest);
  return { name, tag: m[2] ?? '', digest };
}
