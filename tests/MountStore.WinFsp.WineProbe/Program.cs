using Microsoft.Extensions.Logging;
using MountStore.Swift;
using MountStore.WinFsp;
using MountStore.WinFsp.Native;
using MountStore.WinFsp.WineProbe;

// Usage: MountStore.WinFsp.WineProbe.exe <container>, with the Swift credentials in the
// environment as the CLI takes them (ST_AUTH/ST_USER/ST_KEY, an openrc's OS_* variables...).
// Exit codes: 0 the volume was served until the stand-in's script ended (its lines say what it
// found); 1 WinFsp could not be loaded (its one line on stderr, as the CLI shows it); 2 a WinFsp
// call failed; 3 no container or no credentials.
WinFspApi api;
try
{
    // First, as the CLI does: without WinFsp nothing else is worth trying.
    api = WinFspApi.Load();
}
catch (WinFspNotInstalledException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: MountStore.WinFsp.WineProbe <container> (Swift credentials in the environment)");
    return 3;
}

// Warnings and errors only, on stderr: stdout carries the lines the test parses.
using var loggers = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(console => console.SingleLine = true)
    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
SwiftObjectStore store;
try
{
    store = new SwiftObjectStore(new SwiftStoreOptions
    {
        Container = args[0],
        Authenticator = SwiftAuthFromEnvironment.Create(SwiftAuthFromEnvironment.ProcessEnvironment()),
    }, loggers);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
using (store)
    return await ProbeVolume.ServeAsync(api, store, loggers);
