import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids/index.ts';
import type { TempoDatabase } from '../src/store/index.ts';
import { freshTestDatabase, testDatabaseType } from './test-database.ts';

let db: TempoDatabase;

beforeAll(async () => {
  db = await freshTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

describe(`text with NUL on ${testDatabaseType()}`, () => {
  it('stores a step run with NUL in text columns, NUL becoming U+FFFD, and finds it by that text', async () => {
    const tenant = await db.repositories.tenants.create({ id: newId('tenant'), name: `NUL${NUL}tenant` });
    expect(tenant.name).toBe(`NUL${NUL}tenant`);
    expect((await db.repositories.tenants.get(tenant.id))?.name).toBe(`NUL${REPLACEMENT}tenant`);

    const stepRuns = db.repositories.stepRuns.inTenant(tenant.id);
    const flowRunId = newId('flowRun');
    const id = newId('stepRun');
    const body = `upstream said: ${NUL}${NUL}boom`;
    // A handler's output as JSON text with a raw NUL, and an escaped one that is not a NUL.
    const output = `{"text":"a${NUL}b","escaped":"\\u0000"}`;
    await stepRuns.create({
      id,
      flowRunId,
      dataFlowId: newId('dataFlow'),
      stepId: `step${NUL}one`,
      result: 'Error',
      errorMessage: `REST target answered 500: ${body}`,
      outputData: output,
      inputData: `lone surrogate \uD800 here`,
    });

    const stored = await stepRuns.get(id);
    expect(stored?.errorMessage).toBe(
      `REST target answered 500: upstream said: ${REPLACEMENT}${REPLACEMENT}boom`,
    );
    expect(stored?.stepId).toBe(`step${REPLACEMENT}one`);
    expect(stored?.outputData).toBe(`{"text":"a${REPLACEMENT}b","escaped":"\\u0000"}`);
    expect(JSON.parse(stored?.outputData ?? '')).toEqual({ text: `a${REPLACEMENT}b`, escaped: NUL });
    expect(stored?.inputData).toBe(`lone surrogate ${REPLACEMENT} here`);

    // An update with NUL is stored the same way, and a filter with NUL matches what was stored.
    expect(await stepRuns.updateWhere({ stepId: `step${NUL}one` }, { errorMessage: `again${NUL}` })).toBe(1);
    expect((await stepRuns.get(id))?.errorMessage).toBe(`again${REPLACEMENT}`);
    expect((await stepRuns.find({ flowRunId })).map((row) => row.id)).toEqual([id]);
  });

  it('stores NUL inside the strings and keys of a JSON column as U+FFFD', async () => {
    const workers = db.repositories.workers;
    const id = newId('worker');
    await workers.create({
      id,
      name: 'nul-json',
      labelsJson: [`gpu${NUL}`, 'plain \\u0000 text', `emoji 😀`],
      capabilitiesJson: [],
    });
    const stored = await workers.get(id);
    expect(stored?.labelsJson).toEqual([`gpu${REPLACEMENT}`, 'plain \\u0000 text', 'emoji 😀']);

    const tenant = await db.repositories.tenants.create({ id: newId('tenant'), name: 'NUL json' });
    const flows = db.repositories.dataFlows.inTenant(tenant.id);
    const flow = await flows.create({
      id: newId('dataFlow'),
      name: 'nul keys',
      transitions: {
        [`start${NUL}`]: {
          name: `S${NUL}`,
          onSuccess: null,
          onFailure: null,
          onException: null,
          maxTransitions: 1,
          stepType: null,
          rest: null,
        },
      },
    });
    const read = await flows.get(flow.id);
    expect(Object.keys(read?.transitions ?? {})).toEqual([`start${REPLACEMENT}`]);
    expect(read?.transitions[`start${REPLACEMENT}`]?.name).toBe(`S${REPLACEMENT}`);
  });
});
