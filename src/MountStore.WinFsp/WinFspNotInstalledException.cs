namespace MountStore.WinFsp;

/// <summary>
/// WinFsp's DLL could not be found or used. Its message is one line, made to be shown as it is
/// (the CLI prints it and exits with 1): what is missing and where to get WinFsp.
/// </summary>
public sealed class WinFspNotInstalledException : Exception
{
    /// <summary>Where a user gets WinFsp.</summary>
    public const string DownloadUrl = "https://winfsp.dev";

    /// <summary>Creates the exception with a one-line message that names <see cref="DownloadUrl"/>.</summary>
    public WinFspNotInstalledException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
