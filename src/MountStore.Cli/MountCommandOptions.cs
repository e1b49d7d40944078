using System.CommandLine;

namespace MountStore.Cli;

/// <summary>The options of `mountstore mount`, each documented once, next to its default.</summary>
internal sealed class MountCommandOptions
{
    public Argument<string> Remote { get; } = new("REMOTE")
    {
        Description = "What to mount: swift://CONTAINER[/PREFIX] or s3://BUCKET[/PREFIX]. Credentials come from the environment (see below).",
    };

    public Argument<string> Directory { get; } = new("DIR")
    {
        Description = OperatingSystem.IsWindows()
            ? "Where to show the files: a free drive letter (X:), * for the next free one, or a folder that does not exist yet (WinFsp creates it)."
            : "An empty directory to show the files in.",
    };

    public Option<bool> ReadOnly { get; } = new("--read-only", "-r")
    {
        Description = "Refuse every change (EROFS), at the kernel and in MountStore.",
    };

    public Option<double> CacheTtl { get; } = new("--cache-ttl")
    {
        Description = "Seconds file attributes and folder listings are trusted before the store is asked again. Changes made elsewhere show after this long.",
        DefaultValueFactory = _ => 30,
    };

    public Option<int> MaxCachedEntries { get; } = new("--max-cached-entries")
    {
        Description = "Most files and folders whose metadata is kept in memory (about 200 bytes each).",
        DefaultValueFactory = _ => 100_000,
    };

    public Option<int> ListingMetadata { get; } = new("--listing-metadata")
    {
        Description = "After a folder is listed, load each file's own metadata (mtime, mode, owner, symlink type: listings do not carry them) in the background, this many HEAD requests at a time. 0: only when a single path is looked up or opened.",
        DefaultValueFactory = _ => 4,
    };

    public Option<uint?> Uid { get; } = new("--uid")
    {
        Description = "Owner shown for files without uid metadata. Default: the user running mountstore.",
    };

    public Option<uint?> Gid { get; } = new("--gid")
    {
        Description = "Group shown for files without gid metadata. Default: the group running mountstore.",
    };

    public Option<string> FileMode { get; } = new("--file-mode")
    {
        Description = "Permissions (octal) of files without mode metadata.",
        DefaultValueFactory = _ => "0644",
    };

    public Option<string> DirectoryMode { get; } = new("--dir-mode")
    {
        Description = "Permissions (octal) of folders.",
        DefaultValueFactory = _ => "0755",
    };

    public Option<int> MemoryLimitMiB { get; } = new("--memory-limit")
    {
        Description = "Most MiB of buffer memory for read-ahead and write buffers together; --read-ahead-total and --write-buffer are caps within it.",
        DefaultValueFactory = _ => 160,
    };

    public Option<int> ReadAheadMiB { get; } = new("--read-ahead")
    {
        Description = "Most MiB one open file reads ahead of the reader (in parallel ranged GETs).",
        DefaultValueFactory = _ => 64,
    };

    public Option<int> ReadAheadTotalMiB { get; } = new("--read-ahead-total")
    {
        Description = "Most MiB of read-ahead memory for all open files together (a cap within --memory-limit).",
        DefaultValueFactory = _ => 80,
    };

    public Option<int> PartSizeMiB { get; } = new("--part-size")
    {
        Description = "MiB per part of a segmented upload (Swift SLO segment, S3 multipart part); files up to this size go up as one PUT. Parts grow for very large files.",
        DefaultValueFactory = _ => 16,
    };

    public Option<int> PartsInFlight { get; } = new("--parts-in-flight")
    {
        Description = "Parts of one file uploaded at once while it is being written.",
        DefaultValueFactory = _ => 4,
    };

    public Option<int> WriteBufferMiB { get; } = new("--write-buffer")
    {
        Description = "Most MiB of memory for write buffers of all open files together (a cap within --memory-limit); past it writers wait for uploads or move to staging files.",
        DefaultValueFactory = _ => 128,
    };

    public Option<bool> DataCache { get; } = new("--data-cache")
    {
        Description = "Keep file data read through the mount on local disk, in --cache-dir, for this and later mounts of the same remote; a file changed in the store is fetched again.",
    };

    public Option<bool> WriteBack { get; } = new("--write-back")
    {
        Description = "close() returns once the file is whole and flushed in the cache folder (implies --data-cache); uploads follow in the background and survive kill -9, a crash or a reboot (the next mount with the same cache finishes them). fsync() still waits for the store; unmount waits for the uploads.",
    };

    public Option<int> Uploads { get; } = new("--uploads")
    {
        Description = "With --write-back: files uploaded at once in the background.",
        DefaultValueFactory = _ => 8,
    };

    public Option<string?> CacheDir { get; } = new("--cache-dir")
    {
        Description = "With --data-cache: the cache folder (created mode 0700; one mount at a time). Default: $XDG_CACHE_HOME/mountstore/REMOTE-HASH, /var/cache/mountstore/REMOTE-HASH for root. Without it: where staging files of files changed out of order go (unlinked at once), by default under $TMPDIR.",
    };

    public Option<int> CacheMaxSizeMiB { get; } = new("--cache-max-size")
    {
        Description = "Most MiB of local disk for cached data and staging files together; past it the least recently used data is evicted, and writes that still do not fit fail with ENOSPC.",
        DefaultValueFactory = _ => 10240,
    };

    public Option<bool> AllowOther { get; } = new("--allow-other")
    {
        Description = "Let other users see the files (non-root users need user_allow_other in /etc/fuse.conf).",
    };

    public Option<bool> AllowNonEmpty { get; } = new("--allow-non-empty")
    {
        Description = "Mount over a directory that has files in it (they are hidden while mounted).",
    };

    public Option<string?> S3Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "URL of an S3-compatible server (Ceph RGW, MinIO, Swift's s3api). Default: AWS_ENDPOINT_URL, else AWS.",
    };

    public Option<string> LogLevel { get; } = new("--log-level")
    {
        Description = "How much to log: error, warning, information or debug.",
        DefaultValueFactory = _ => "information",
    };

    public Option<string?> LogTo { get; } = new("--log-to")
    {
        Description = "Where logs go: stderr, journal (the systemd journal; journalctl -t mountstore) or a file path (kept under 10 MiB, one older file FILE.1). " +
            "Default: stderr; with --daemon the journal when it runs, else ~/.local/state/mountstore/MOUNTPOINT.log (root: /var/log/mountstore/).",
    };

    public Option<bool> Daemon { get; } = new("--daemon", "-d")
    {
        Description = "Run in the background: return once the mount is ready (exit 0), or exit non-zero with the reason it could not mount.",
    };

    public Option<string?> EnvFile { get; } = new("--env-file")
    {
        Description = "Read credentials (OS_*, ST_*, AWS_* variables) from this file of NAME=VALUE lines; they override the environment. Refused when other users can read it.",
    };

    /// <summary>Every option's long name, and whether it takes a value (for the mount helper).</summary>
    public IReadOnlyDictionary<string, bool> LongNames() =>
        AllOptions.ToDictionary(option => option.Name, option => option.ValueType != typeof(bool), StringComparer.Ordinal);

    /// <summary>Every option of `mountstore mount`, in --help order.</summary>
    public Option[] AllOptions => [ReadOnly, CacheTtl, MaxCachedEntries, ListingMetadata, Uid, Gid, FileMode, DirectoryMode, MemoryLimitMiB, ReadAheadMiB, ReadAheadTotalMiB, PartSizeMiB, PartsInFlight, WriteBufferMiB, DataCache, WriteBack, Uploads, CacheDir, CacheMaxSizeMiB, AllowOther, AllowNonEmpty, S3Endpoint, EnvFile, Daemon, LogLevel, LogTo];

    /// <summary>`mountstore mount --help` on Windows: the same command, with Windows mount points, PowerShell and WinFsp's notice.</summary>
    private static readonly string WindowsDescription = $"""
        Mount a Swift container or an S3 bucket on DIR (a drive letter such as X:, * for the
        next free letter, or a new folder) and serve it until unmounted (Ctrl-C, or
        `mountstore unmount X:` from any window). `mountstore status X:` shows what it is doing.
        Needs WinFsp (https://winfsp.dev).

        Credentials come from the environment (in PowerShell: $env:OS_AUTH_URL = "...") or
        from --env-file FILE (NAME=VALUE lines):
          Swift: the variables of an OpenStack openrc file (OS_AUTH_URL, OS_USERNAME,
                 OS_PASSWORD, OS_PROJECT_NAME, ...) or an application credential (OS_AUTH_TYPE=
                 v3applicationcredential, OS_APPLICATION_CREDENTIAL_ID/_SECRET), or
                 OS_STORAGE_URL + OS_AUTH_TOKEN, or ST_AUTH/ST_USER/ST_KEY.
          S3:    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or %USERPROFILE%\.aws), AWS_REGION,
                 and AWS_ENDPOINT_URL for servers other than AWS.

        Examples:
          mountstore mount swift://results X:
          mountstore mount --read-only s3://datasets/climate C:\data\climate
          mountstore mount --env-file $HOME\results.env swift://results *

        Mounts through {WinFsp.WinFspAttribution.Notice}.
        """;

    public Command Build(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var command = new Command("mount", OperatingSystem.IsWindows() ? WindowsDescription : """
            Mount a Swift container or an S3 bucket on DIR and serve it until unmounted
            (Ctrl-C, `mountstore unmount DIR`, or fusermount3 -u DIR). With --daemon it runs in
            the background; `mountstore status DIR` shows what it is doing.

            Credentials come from the environment:
              Swift: source an OpenStack openrc file (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD,
                     OS_PROJECT_NAME, ...) or an application credential (OS_AUTH_TYPE=
                     v3applicationcredential, OS_APPLICATION_CREDENTIAL_ID/_SECRET), or set
                     OS_STORAGE_URL + OS_AUTH_TOKEN (from `swift auth`), or ST_AUTH/ST_USER/ST_KEY.
              S3:    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or ~/.aws), AWS_REGION, and
                     AWS_ENDPOINT_URL for servers other than AWS.

            Examples:
              mountstore mount swift://results ~/results
              mountstore mount --read-only s3://datasets/climate /mnt/climate
              mountstore mount --daemon --env-file ~/.config/mountstore/results.env swift://results ~/results
            """);
        command.Arguments.Add(Remote);
        command.Arguments.Add(Directory);
        // FUSE's and systemd's options mean nothing to WinFsp (--daemon is refused there): not offered.
        if (OperatingSystem.IsWindows())
        {
            foreach (var linuxOnly in new Option[] { AllowOther, AllowNonEmpty, Daemon })
                linuxOnly.Hidden = true;
        }
        foreach (var option in AllOptions)
            command.Options.Add(option);
        command.SetAction(action);
        return command;
    }
}
