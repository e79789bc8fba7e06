import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataFlowRecord, StepRecord } from './definitions.ts';
import { omitNullProperties, restoreNullProperties } from './null-properties.ts';
import { pageOf } from './paging.ts';

const Node = z.object({ label: z.string().nullable(), note: z.string().nullish() });
const Sample = z.object({
  id: z.string(),
  description: z.string().nullable(),
  data: z.unknown(),
  settings: z.record(z.string(), z.unknown()),
  nodes: z.array(Node),
  config: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('a'), value: z.string().nullable().default(null) }),
      z.object({ kind: z.literal('b'), other: z.number().nullable() }),
    ])
    .nullable(),
});

const omit = (schema: z.core.$ZodType, value: unknown) => (omitNullProperties(schema) ?? ((v) => v))(value);
const restore = (schema: z.core.$ZodType, value: unknown) =>
  (restoreNullProperties(schema) ?? ((v) => v))(value);

describe('null properties', () => {
  const full = {
    id: 'x_1',
    description: null,
    data: { a: null, list: [null] },
    settings: { empty: null },
    nodes: [{ label: null, note: null }, { label: 'kept' }],
    config: { kind: 'b', other: null },
  };
  const lean = {
    id: 'x_1',
    data: { a: null, list: [null] },
    settings: { empty: null },
    nodes: [{}, { label: 'kept' }],
    config: { kind: 'b' },
  };

  it('leaves out declared nullable properties whose value is null, user JSON untouched', () => {
    expect(omit(Sample, full)).toEqual(lean);
    expect(omit(Sample, { ...full, config: null })).toEqual({ ...lean, config: undefined });
    expect(JSON.stringify(omit(Sample, { ...full, config: null }))).not.toContain('"config"');
  });

  it('puts them back as null on the client, so the record parses as before', () => {
    const back = restore(Sample, lean);
    expect(back).toEqual({
      ...full,
      nodes: [
        { label: null, note: null },
        { label: 'kept', note: null },
      ],
    });
    expect(Sample.parse(back).description).toBeNull();
  });

  it('picks a discriminated union member by its tag', () => {
    expect(omit(Sample, { ...full, config: { kind: 'a', value: null } })).toMatchObject({
      config: { kind: 'a' },
    });
    expect(restore(Sample, { ...lean, config: { kind: 'a' } })).toMatchObject({
      config: { kind: 'a', value: null },
    });
  });

  it('needs no rewrite for schemas without nullable properties', () => {
    expect(omitNullProperties(z.unknown())).toBeNull();
    expect(omitNullProperties(z.object({ id: z.string(), data: z.unknown() }))).toBeNull();
    expect(restoreNullProperties(z.array(z.string()))).toBeNull();
  });

  it('keeps the graph of a flow as the user wrote it and walks pages of records', () => {
    const transitions = { k: { name: null, onSuccess: null } };
    const flow = omit(DataFlowRecord, { id: 'f', description: null, transitions }) as Record<string, unknown>;
    expect(flow).not.toHaveProperty('description');
    expect(flow.transitions).toBe(transitions);
    expect(omit(pageOf(StepRecord), { items: [{ id: 's', description: null }] })).toEqual({
      items: [{ id: 's' }],
    });
  });
});
