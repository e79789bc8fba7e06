import { describe, expect, it } from 'vitest';
import { changedKeys, DraftError, draftOf, fileOf } from './settings-draft.ts';

describe('settings draft', () => {
  const loaded = { rest: { port: 8901 }, auth: { adminApiKey: '****' }, createdUtc: null };

  it('sends back every key, unchanged ones and masked secrets included', () => {
    const draft = { ...draftOf(loaded), rest: '{ "port": 9000 }' };
    expect(changedKeys(draft, draftOf(loaded))).toEqual(['rest']);
    expect(fileOf(draft)).toEqual({ rest: { port: 9000 }, auth: { adminApiKey: '****' }, createdUtc: null });
  });

  it('names the key whose text does not parse', () => {
    const draft = { ...draftOf(loaded), auth: '{ nope' };
    expect(() => fileOf(draft)).toThrow(DraftError);
    try {
      fileOf(draft);
    } catch (error) {
      expect((error as DraftError).key).toBe('auth');
    }
  });
});
