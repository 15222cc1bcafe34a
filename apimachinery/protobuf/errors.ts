/** A body that is not the protobuf its media type says, or a value that has no protobuf form. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}
