using Tempo.Sdk;
using Tempo.Sdk.TestApp;

// `handler`: serve the test handler over the protocol (what the engine runs);
// anything else: the self-test, which runs this same program as a child over pipes.
return args.FirstOrDefault() == "handler"
    ? await TempoStepHost.RunAsync(new TestHandler())
    : await SelfTest.RunAsync();
