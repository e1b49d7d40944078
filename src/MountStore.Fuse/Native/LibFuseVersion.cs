using System.Runtime.InteropServices;

namespace MountStore.Fuse.Native;

/// <summary>Finds the installed libfuse and says, in one sentence, when it is not one we support.</summary>
public static class LibFuseVersion
{
    /// <summary>Oldest supported release: fuse_session_loop_mt_312 and fuse_loop_cfg_* appeared in 3.12.</summary>
    public static readonly Version Oldest = new(3, 12);

    /// <summary>First unsupported release: 3.17 changed fuse_session_new and fuse_file_info.</summary>
    public static readonly Version FirstUnsupported = new(3, 17);

    /// <summary>The installed libfuse3's version, or throws <see cref="FuseUnavailableException"/> saying what to do.</summary>
    public static unsafe Version EnsureSupported()
    {
        if (!NativeLibrary.TryLoad(LibFuse.Library, typeof(LibFuseVersion).Assembly, null, out _))
        {
            if (NativeLibrary.TryLoad("libfuse3.so.4", out _))
                throw new FuseUnavailableException($"the installed libfuse is 3.17 or newer (libfuse3.so.4); this MountStore supports libfuse {Oldest}-3.16. Install libfuse3-3 from your distribution's 3.x series");
            throw new FuseUnavailableException("libfuse3 is not installed; install it with: apt-get install fuse3 libfuse3-3");
        }
        var text = Marshal.PtrToStringUTF8((nint)LibFuse.PackageVersion()) ?? "";
        if (!Version.TryParse(text.Split('-', '+')[0], out var version))
            throw new FuseUnavailableException($"cannot tell which libfuse is installed (it says '{text}')");
        if (version < Oldest || version >= FirstUnsupported)
            throw new FuseUnavailableException($"libfuse {version} is installed; this MountStore supports libfuse {Oldest} to 3.16");
        return version;
    }
}

/// <summary>FUSE cannot be used on this machine; the message says why and what to do.</summary>
public sealed class FuseUnavailableException(string message) : Exception(message);
