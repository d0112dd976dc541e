import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { sha256Hex } from './sha256Hex';

describe('sha256Hex', () => {
  it('gives the digest of the UTF-8 bytes', () => {
    expect(sha256Hex('')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('agrees with the portable implementation on any text', () => {
    for (const text of [
      'kind: Deployment\nmetadata:\n  name: cart\n',
      'naïve café – 日本語 🚀',
      'lone surrogates \ud800 and \udfff',
      'x'.repeat(100_000),
    ]) {
      expect(sha256Hex(text)).toBe(bytesToHex(sha256(utf8ToBytes(text))));
    }
  });
});
