/**
 * protons' generated types ask for ArrayBuffer-backed arrays; everything we encode is
 * (noble and node allocate plain ArrayBuffers), so this only narrows the type.
 */
export function wire (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}
