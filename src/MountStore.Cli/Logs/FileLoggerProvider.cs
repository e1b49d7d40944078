using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MountStore.Cli.Logs;

/// <summary>
/// Log lines appended to a file, one per message, with date, level and source. The file is kept
/// under <see cref="MaxBytes"/>: past it, it becomes FILE.1 (replacing the previous one) and a
/// new file starts, so a mount that runs for months does not fill the disk with its log.
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly Lock _lock = new();
    private FileStream _file;

    public FileLoggerProvider(string path, long maxBytes = MaxBytes)
    {
        _path = path;
        _maxBytes = maxBytes;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = Open();
    }

    public const long MaxBytes = 10 << 20;

    private FileStream Open()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
        };
        // Windows has no modes: a log under the user's profile is closed to others by its access list.
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(_path, options);
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = new StringBuilder()
            .Append(DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss.fff ", CultureInfo.InvariantCulture))
            .Append(LevelName(level)).Append(' ')
            .Append(category).Append(": ")
            .Append(message.ReplaceLineEndings(" "));
        if (exception is not null)
            line.Append(" | ").Append(exception.ToString().ReplaceLineEndings(" | "));
        var bytes = Encoding.UTF8.GetBytes(line.Append('\n').ToString());
        lock (_lock)
        {
            if (_file.Length + bytes.Length > _maxBytes && _file.Length > 0)
            {
                _file.Dispose();
                File.Move(_path, _path + ".1", overwrite: true);
                _file = Open();
            }
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    public ILogger CreateLogger(string categoryName) => new CallbackLogger(categoryName, LogLevel.Trace, Write);

    public void Dispose()
    {
        lock (_lock)
            _file.Dispose();
    }
}
