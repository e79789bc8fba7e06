import { describe, expect, it } from 'vitest';
import { classifyFileContent, contentTypeForPath, fileContentBytes, sha256Hex } from './file-content.ts';

describe('sha256Hex', () => {
  it('gives lowercase hex', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('classifyFileContent', () => {
  it('keeps UTF-8 text as text, byte for byte', () => {
    const bytes = Buffer.from('\uFEFFprint("héllo ✓")\n', 'utf8');
    const content = classifyFileContent(bytes);
    expect(content).toEqual({ isBinary: false, content: '\uFEFFprint("héllo ✓")\n' });
    expect(fileContentBytes(content).equals(bytes)).toBe(true);
  });

  it('stores NUL bytes and invalid UTF-8 as base64', () => {
    for (const bytes of [Buffer.from('a\0b'), Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe, 0x41])]) {
      const content = classifyFileContent(bytes);
      expect(content).toEqual({ isBinary: true, content: bytes.toString('base64') });
      expect(fileContentBytes(content).equals(bytes)).toBe(true);
    }
  });

  it('treats an empty file as text', () => {
    expect(classifyFileContent(Buffer.alloc(0))).toEqual({ isBinary: false, content: '' });
  });
});

describe('contentTypeForPath', () => {
  it.each([
    ['handler.py', 'text/x-python'],
    ['a/b.JS', 'text/javascript'],
    ['x.cjs', 'text/javascript'],
    ['x.mjs', 'text/javascript'],
    ['tempo.step.json', 'application/json'],
    ['src/UserStep.cs', 'text/x-csharp'],
    ['src/Step.csproj', 'application/xml'],
    ['a.xml', 'application/xml'],
    ['run.sh', 'text/x-shellscript'],
    ['notes.txt', 'text/plain'],
    ['README.md', 'text/plain'],
    ['dotnet/Step.dll', 'application/octet-stream'],
    ['Makefile', 'text/plain'],
  ])('maps %s to %s', (path, type) => {
    expect(contentTypeForPath(path)).toBe(type);
  });

  it('falls back by kind of content', () => {
    expect(contentTypeForPath('data.bin', true)).toBe('application/octet-stream');
    expect(contentTypeForPath('data.bin', false)).toBe('text/plain');
  });
});
