using MountStore.Testing;

namespace MountStore.Mount.Tests;

/// <summary>Files a service mount needs: a private env-file with the local server's credentials, and a scratch folder.</summary>
public sealed class ServiceFiles : IDisposable
{
    public ServiceFiles()
    {
        Folder = Directory.CreateTempSubdirectory("mountstore-service-").FullName;
        EnvFile = Path.Combine(Folder, "credentials.env");
        File.WriteAllLines(EnvFile, MountProcess.SwiftEnvironment.Select(pair => $"{pair.Key}={pair.Value}"));
        File.SetUnixFileMode(EnvFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>A folder removed with this object.</summary>
    public string Folder { get; }

    /// <summary>ST_AUTH, ST_USER and ST_KEY for the local server, mode 0600.</summary>
    public string EnvFile { get; }

    /// <summary>The repository's mount helper script.</summary>
    public static string MountHelper => Path.Combine(RepoPaths.Root, "packaging", "mount.mountstore");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
