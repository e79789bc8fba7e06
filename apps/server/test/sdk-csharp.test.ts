import { csharpHost, describeOwnTests, describeSdkVariant } from './sdk-fixture.ts';

describeOwnTests(
  'C#',
  'dotnet',
  ['run', '--project', 'Tempo.Sdk.TestApp/Tempo.Sdk.TestApp.csproj'],
  'csharp',
);
describeSdkVariant(csharpHost(false));
describeSdkVariant(csharpHost(true));
