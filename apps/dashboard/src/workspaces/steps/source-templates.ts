import type { CodeLanguage } from '../../ui/index.ts';

/** The languages a source step is written in, as the source-step route names them. */
export const SOURCE_LANGUAGES = ['Python', 'JavaScript', 'CSharp'] as const;
/** One of {@link SOURCE_LANGUAGES}. */
export type SourceLanguage = (typeof SOURCE_LANGUAGES)[number];

/** What each language needs: its runtime, editor language, file name and a handler to start from. */
export const SOURCE_LANGUAGE_INFO: Readonly<
  Record<SourceLanguage, { runtimeKey: string; editor: CodeLanguage; fileName: string; template: string }>
> = {
  Python: {
    runtimeKey: 'Artifact.Python',
    editor: 'python',
    fileName: 'handler.py',
    template: 'def run(request):\n    return {"echo": request.get("data")}\n',
  },
  JavaScript: {
    runtimeKey: 'Artifact.JavaScript',
    editor: 'javascript',
    fileName: 'handler.js',
    template: 'function run(request) {\n  return { echo: request.data };\n}\n\nmodule.exports = { run };\n',
  },
  CSharp: {
    runtimeKey: 'Artifact.DotnetProcess',
    editor: 'csharp',
    fileName: 'Handler.cs',
    template: [
      'using System.Text.Json.Nodes;',
      '',
      'namespace Tempo.UserSteps;',
      '',
      'public sealed class Handler : TempoStepHandlerBase',
      '{',
      '    public override Task<StepResult> RunAsync(StepRequest request, CancellationToken cancellationToken) =>',
      '        Task.FromResult(Success(request, new JsonObject { ["ok"] = true }));',
      '}',
      '',
    ].join('\n'),
  },
};
