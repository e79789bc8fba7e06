import type { RuntimeDescriptor } from '@tempo/contracts';

/** Languages the wizard writes its source steps in (spec §4.3). */
export const WIZARD_LANGUAGES = ['JavaScript', 'Python', 'CSharp'] as const;
export type WizardLanguage = (typeof WIZARD_LANGUAGES)[number];

/** The runtime each language runs on; a language is offered only when it is `Available`. */
export const RUNTIME_OF_LANGUAGE: Readonly<Record<WizardLanguage, string>> = {
  JavaScript: 'Artifact.JavaScript',
  Python: 'Artifact.Python',
  CSharp: 'Artifact.DotnetProcess',
};

/** The three example steps, by execution key. */
export const WIZARD_STEP_KEYS = ['echo_step', 'random_number_step', 'double_number_step'] as const;
export type WizardStepKey = (typeof WIZARD_STEP_KEYS)[number];

/** One source step as the wizard's form edits it. */
export interface WizardStepDraft {
  readonly executionKey: string;
  readonly name: string;
  readonly description: string;
  readonly fileName: string;
  readonly artifactName: string;
  readonly entrypoint: string;
  /** `function` for Python and JavaScript, `handlerType` for C#. */
  readonly handler: string;
  readonly code: string;
}

const HANDLER_TYPE = 'Tempo.UserSteps.Handler';

/** What each step does to its input, as source in each language. */
const SOURCES: Readonly<Record<WizardStepKey, Readonly<Record<WizardLanguage, string>>>> = {
  echo_step: {
    JavaScript: `function run(request) {
  // Returns the input unchanged.
  return request.data ?? null;
}

module.exports = { run };
`,
    Python: `def run(request):
    # Returns the input unchanged.
    return request.get("data")
`,
    CSharp: `namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    // Returns the input unchanged.
    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new StepResult { Data = request.Data?.DeepClone() });
}
`,
  },
  random_number_step: {
    JavaScript: `function run() {
  // A whole number from 1 to 10.
  return { value: 1 + Math.floor(Math.random() * 10) };
}

module.exports = { run };
`,
    Python: `import random


def run(request):
    # A whole number from 1 to 10.
    return {"value": random.randint(1, 10)}
`,
    CSharp: `using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    // A whole number from 1 to 10.
    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new StepResult { Data = new JsonObject { ["value"] = Random.Shared.Next(1, 11) } });
}
`,
  },
  double_number_step: {
    JavaScript: `function run(request) {
  // Doubles the value the previous step produced.
  const value = Number(request.data?.value ?? 0);
  return { original: value, value: value * 2 };
}

module.exports = { run };
`,
    Python: `def run(request):
    # Doubles the value the previous step produced.
    value = (request.get("data") or {}).get("value", 0)
    return {"original": value, "value": value * 2}
`,
    CSharp: `using System.Text.Json.Nodes;

namespace Tempo.UserSteps;

public sealed class Handler : TempoStepHandlerBase
{
    // Doubles the value the previous step produced.
    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        var value = request.Data?["value"]?.GetValue<int>() ?? 0;
        return Task.FromResult(new StepResult { Data = new JsonObject { ["original"] = value, ["value"] = value * 2 } });
    }
}
`,
  },
};

const FILE_STEM: Readonly<Record<WizardLanguage, { readonly name: string; readonly extension: string }>> = {
  JavaScript: { name: 'handler', extension: '.js' },
  Python: { name: 'handler', extension: '.py' },
  CSharp: { name: 'Handler', extension: '.cs' },
};

/**
 * The default drafts of the three steps in `language`; `names` gives each step's translated name
 * and description (the only words of the plan a person reads).
 */
export const defaultStepDrafts = (
  language: WizardLanguage,
  names: (key: WizardStepKey) => { readonly name: string; readonly description: string },
): WizardStepDraft[] =>
  WIZARD_STEP_KEYS.map((key) => ({
    executionKey: key,
    ...names(key),
    fileName: `${FILE_STEM[language].name}${FILE_STEM[language].extension}`,
    artifactName: `${key}_artifact`,
    entrypoint: 'main',
    handler: language === 'CSharp' ? HANDLER_TYPE : 'run',
    code: SOURCES[key][language],
  }));

/** The body of `POST .../steps/source` for one draft. */
export const sourceStepBody = (language: WizardLanguage, draft: WizardStepDraft) => ({
  executionKey: draft.executionKey,
  name: draft.name,
  description: draft.description,
  language,
  code: draft.code,
  fileName: draft.fileName,
  artifactName: draft.artifactName,
  entrypoint: draft.entrypoint,
  ...(language === 'CSharp' ? { handlerType: draft.handler } : { function: draft.handler }),
  contractType: 'Loose' as const,
  active: true,
});

/** The transitions of one flow node: where a success, failure and exception lead. */
const node = (onSuccess: string | null = null) => ({ onSuccess, onFailure: null, onException: null });

/** The two example flows' graphs, by the execution keys of the steps as created. */
export const flowTransitions = (keys: readonly [string, string, string]) => {
  const [echo, random, double] = keys;
  return {
    echo: { startStepId: echo, transitions: { [echo]: node() } },
    chained: { startStepId: random, transitions: { [random]: node(double), [double]: node() } },
  };
};

/** The configuration text of an HTTP trigger accepting `method` (spec §4.3). */
export const triggerConfiguration = (method: 'GET' | 'POST'): string =>
  JSON.stringify({ allowedMethods: [method], headers: {}, bodySchema: null });

/** Languages whose runtime this tenant can run now. */
export const availableLanguages = (runtimes: readonly RuntimeDescriptor[]): WizardLanguage[] =>
  WIZARD_LANGUAGES.filter((language) =>
    runtimes.some(
      (runtime) =>
        runtime.runtimeKey === RUNTIME_OF_LANGUAGE[language] && runtime.availability === 'Available',
    ),
  );

/** A curl command that fires a trigger, for a POSIX shell or for Windows (`curl.exe`, quotes escaped). */
export const curlCommand = (
  url: string,
  method: 'GET' | 'POST',
  body: string | null,
  shell: 'posix' | 'windows',
): string => {
  const program = shell === 'windows' ? 'curl.exe' : 'curl';
  if (method === 'GET' || body === null) return `${program} -X ${method} "${url}"`;
  const payload = shell === 'windows' ? `"${body.replace(/"/g, '\\"')}"` : `'${body.replace(/'/g, "'\\''")}'`;
  return `${program} -X POST "${url}" -H "content-type: application/json" -d ${payload}`;
};
