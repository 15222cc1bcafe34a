/**
 * Debian's `protoc` (package protobuf-compiler, installed by .ci/run) as an encoder and decoder that is
 * independent of the server's protobuf code: text format in, binary out, and back, against the upstream
 * `.proto` files in shared/ (and this repository's own, for apidiscovery.k8s.io).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sharedPath } from './shared.js';

/** The upstream `.proto` files, laid out by import path. */
export const PROTO_ROOT = sharedPath('reference', 'proto');

/** This repository's own `.proto` files, for messages the upstream set lacks. */
const LOCAL_PROTO_ROOT = fileURLToPath(new URL('../../apimachinery/protobuf/proto', import.meta.url));

/** The `.proto` file that defines each package the tests use. */
const FILES: Record<string, string> = {
  'github.com.gardener.gardener.pkg.apis.core.v1beta1': 'github.com/gardener/gardener/pkg/apis/core/v1beta1/generated.proto',
  'github.com.gardener.gardener.pkg.apis.authentication.v1alpha1': 'github.com/gardener/gardener/pkg/apis/authentication/v1alpha1/generated.proto',
  'k8s.io.apimachinery.pkg.apis.meta.v1': 'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io.apimachinery.pkg.runtime': 'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io.api.apidiscovery.v2': 'k8s.io/api/apidiscovery/v2/generated.proto',
};

function fileOf(message: string): string {
  const pkg = message.slice(0, message.lastIndexOf('.'));
  const file = FILES[pkg];
  if (file === undefined) throw new Error(`no .proto file known for ${message}`);
  return file;
}

function protoc(mode: 'encode' | 'decode', message: string, input: Buffer | string): Buffer {
  return execFileSync('protoc', [`-I${PROTO_ROOT}`, `-I${LOCAL_PROTO_ROOT}`, `--${mode}=${message}`, fileOf(message)], { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The binary encoding of a text-format message. */
export function protocEncode(message: string, text: string): Buffer {
  return protoc('encode', message, text);
}

/** The text format of a binary message. */
export function protocDecode(message: string, bytes: Uint8Array): string {
  return protoc('decode', message, Buffer.from(bytes)).toString('utf8');
}

/** `bytes` as a text-format string literal (every byte octal-escaped). */
function octal(bytes: Uint8Array): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/**
 * An enveloped protobuf body built by protoc alone: the text-format `message` encoded, wrapped in a
 * `runtime.Unknown` naming apiVersion and kind, behind the `k8s\0` magic.
 */
export function protocEnvelope(message: string, text: string, apiVersion: string, kind: string): Buffer {
  const raw = protocEncode(message, text);
  const unknown = protocEncode(
    'k8s.io.apimachinery.pkg.runtime.Unknown',
    `typeMeta { apiVersion: ${JSON.stringify(apiVersion)} kind: ${JSON.stringify(kind)} }\nraw: "${octal(raw)}"\ncontentEncoding: ""\ncontentType: ""\n`,
  );
  return Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), unknown]);
}

/** A Go string as a text-format literal. */
export function textString(s: string): string {
  return JSON.stringify(s);
}
