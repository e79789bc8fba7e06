import type { RuntimeDescriptor } from '@tempo/contracts';
import { describe, expect, it } from 'vitest';
import {
  availableLanguages,
  curlCommand,
  defaultStepDrafts,
  flowTransitions,
  sourceStepBody,
  triggerConfiguration,
} from './wizard-plan.ts';

const names = (key: string) => ({ name: `name of ${key}`, description: `about ${key}` });

describe('wizard plan', () => {
  it('drafts the three steps with the file name and handler of each language', () => {
    const python = defaultStepDrafts('Python', names);
    expect(python.map((draft) => draft.executionKey)).toEqual([
      'echo_step',
      'random_number_step',
      'double_number_step',
    ]);
    expect(python[0]?.fileName).toBe('handler.py');
    expect(python[0]?.code).toContain('def run(request)');
    const csharp = defaultStepDrafts('CSharp', names);
    expect(csharp[2]?.fileName).toBe('Handler.cs');
    expect(sourceStepBody('CSharp', csharp[2] as never)).toMatchObject({
      handlerType: 'Tempo.UserSteps.Handler',
      language: 'CSharp',
      contractType: 'Loose',
      active: true,
    });
    const javascript = sourceStepBody('JavaScript', defaultStepDrafts('JavaScript', names)[1] as never);
    expect(javascript).toMatchObject({ function: 'run', fileName: 'handler.js', entrypoint: 'main' });
    expect(javascript).not.toHaveProperty('handlerType');
  });

  it('chains random into double and ends the echo flow after one step', () => {
    const flows = flowTransitions(['e', 'r', 'd']);
    expect(flows.echo).toEqual({
      startStepId: 'e',
      transitions: { e: { onSuccess: null, onFailure: null, onException: null } },
    });
    expect(flows.chained.transitions.r?.onSuccess).toBe('d');
    expect(flows.chained.transitions.d?.onSuccess).toBeNull();
  });

  it('writes the trigger configuration of spec §4.3', () => {
    expect(JSON.parse(triggerConfiguration('GET'))).toEqual({
      allowedMethods: ['GET'],
      headers: {},
      bodySchema: null,
    });
  });

  it('offers only languages whose runtime is available', () => {
    const runtime = (runtimeKey: string, availability: string) =>
      ({ runtimeKey, availability }) as RuntimeDescriptor;
    expect(
      availableLanguages([
        runtime('Artifact.Python', 'Available'),
        runtime('Artifact.JavaScript', 'MissingDependency'),
        runtime('Artifact.DotnetProcess', 'Available'),
      ]),
    ).toEqual(['Python', 'CSharp']);
  });

  it('quotes curl bodies for a POSIX shell and for Windows', () => {
    expect(curlCommand('http://h/t', 'GET', null, 'posix')).toBe('curl -X GET "http://h/t"');
    expect(curlCommand('http://h/t', 'POST', `{"a":"it's"}`, 'posix')).toBe(
      `curl -X POST "http://h/t" -H "content-type: application/json" -d '{"a":"it'\\''s"}'`,
    );
    expect(curlCommand('http://h/t', 'POST', '{"a":1}', 'windows')).toBe(
      'curl.exe -X POST "http://h/t" -H "content-type: application/json" -d "{\\"a\\":1}"',
    );
  });
});
