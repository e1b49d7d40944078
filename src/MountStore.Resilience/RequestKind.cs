namespace MountStore.Resilience;

/// <summary>Which per-attempt timeout applies to a request.</summary>
public enum RequestKind
{
    /// <summary>No object bytes move: list, HEAD, DELETE, manifests.</summary>
    Metadata,

    /// <summary>Object bytes move: PUT, part upload, copy, GET.</summary>
    Data,
}
