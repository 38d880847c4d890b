// NAR hashing and prefetching: the public surface of src/pin/nar.
export { NIX_BASE32_ALPHABET, toNixBase32, fromNixBase32, nixBase32Length } from '../../core/nix-base32.js';
export { NixHash, parseHash, tryParseHash, convertHash, hashBytes, isHashAlgorithm, isStrongAlgorithm, verifyDeclaredHash, DIGEST_BYTES } from '../../core/nix-hash.js';
export type { HashAlgorithm, HashEncoding, HashVerdict } from '../../core/nix-hash.js';
export { NarWriter, HashSink, BufferSink } from './nar-writer.js';
export type { ByteSink, NarHashResult } from './nar-writer.js';
export { dumpPath, narHashOfPath } from './dump-path.js';
export { readTarTree, stripSingleTopLevel, writeTreeNar, narHashOfTree, DEFAULT_MAX_UNPACKED_BYTES } from './tar-tree.js';
export type { TreeNode, DirNode, FileNode, SymlinkNode, UnpackOptions } from './tar-tree.js';
export { decompressTarball, detectCompression } from './decompress.js';
export { withDownload, DEFAULT_MAX_DOWNLOAD_BYTES } from './fetch.js';
export type { DownloadOptions } from './fetch.js';
export { fixedOutputStorePath, isValidStoreName, DEFAULT_STORE_DIR } from './store-path.js';
export { prefetch, narHashOfTarball, flatHashOfStream } from './prefetch.js';
export type { PrefetchOptions, PrefetchResult, TarballHashResult } from './prefetch.js';
