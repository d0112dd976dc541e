import { fileErrorReason } from './fileErrorReason';

function errnoError(code: string): Error {
  return Object.assign(new Error(`${code}: raw message with /some/path`), {
    code,
  });
}

describe('fileErrorReason', () => {
  it.each([
    ['ENOENT', 'no such file'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['EISDIR', 'is a folder, not a file'],
    ['ENOTDIR', 'a parent of the path is not a folder'],
    ['ELOOP', 'too many symbolic links'],
    ['EMFILE', 'cannot be read (EMFILE)'],
  ])('names %s without echoing the raw message', (code, reason) => {
    expect(fileErrorReason(errnoError(code))).toBe(reason);
  });

  it('keeps the message of an error without an errno code', () => {
    expect(fileErrorReason(new Error('file is larger than 1 MiB'))).toBe(
      'file is larger than 1 MiB',
    );
    expect(fileErrorReason('plain text')).toBe('plain text');
  });
});
