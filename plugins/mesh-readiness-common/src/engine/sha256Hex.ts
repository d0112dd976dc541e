/*
 * SHA-256 of a string's UTF-8 bytes, as lowercase hex.
 *
 * The engine must stay isomorphic (it also runs in the browser), so the
 * portable implementation is @noble/hashes. On Node, where the backend
 * hashes the facts of every entity on every evaluation pass, the built-in
 * crypto gives the same digest several times faster. It is reached through
 * `process.getBuiltinModule`, which bundlers leave alone (an `import` of
 * `crypto` would make them look for a browser polyfill); where it is
 * missing (browsers, a `process` polyfill, old Node) noble is used.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** The part of Node's `crypto` module used here. */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): {
    update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string };
  };
}

function nodeCrypto(): NodeCrypto | undefined {
  const processLike = (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  if (typeof processLike?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = processLike.getBuiltinModule('node:crypto') as
      | Partial<NodeCrypto>
      | undefined;
    return typeof crypto?.createHash === 'function'
      ? (crypto as NodeCrypto)
      : undefined;
  } catch {
    return undefined;
  }
}

const builtin = nodeCrypto();

/**
 * Both paths encode the text the same way (lone surrogates become U+FFFD),
 * so they give the same digest for every string.
 */
export const sha256Hex: (text: string) => string = builtin
  ? text => builtin.createHash('sha256').update(text, 'utf8').digest('hex')
  : text => bytesToHex(sha256(utf8ToBytes(text)));
