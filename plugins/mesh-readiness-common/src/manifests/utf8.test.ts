import { firstInvalidUtf8Offset } from './utf8';

describe('firstInvalidUtf8Offset', () => {
  it('is -1 for valid text in one to four bytes a character', () => {
    expect(
      firstInvalidUtf8Offset(new TextEncoder().encode('a é € 😀 kind: Pod')),
    ).toBe(-1);
  });

  it.each([
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['a truncated sequence at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['an overlong encoding of "/"', [0x61, 0xc0, 0xaf], 1],
    ['an encoded surrogate', [0x20, 0xed, 0xa0, 0x80], 1],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['Latin-1 text', [0x63, 0x61, 0x66, 0xe9, 0x0a], 3],
  ])('names the offset of %s', (_what, bytes, offset) => {
    expect(firstInvalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });
});
