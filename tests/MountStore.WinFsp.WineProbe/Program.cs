using MountStore.WinFsp;
using MountStore.WinFsp.Native;
using MountStore.WinFsp.WineProbe;

// Exit codes: 0 the volume was created, started and stopped (the stand-in's lines say what its
// script found); 1 WinFsp could not be loaded (its one line on stderr, as the CLI will show it);
// 2 a WinFsp call failed.
try
{
    return ProbeFileSystem.Run(WinFspApi.Load());
}
catch (WinFspNotInstalledException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
