namespace MountStore.Swift.Auth;

/// <summary>The Keystone v3 identity, as an openrc file exports it (OS_* variables).</summary>
public sealed record KeystoneCredentials
{
    /// <summary>OS_AUTH_URL, with or without the trailing <c>/v3</c>.</summary>
    public required Uri AuthUrl { get; init; }

    /// <summary>OS_USERNAME (password auth, or application credential by name).</summary>
    public string? UserName { get; init; }

    /// <summary>OS_USER_ID.</summary>
    public string? UserId { get; init; }

    /// <summary>OS_PASSWORD.</summary>
    public string? Password { get; init; }

    /// <summary>OS_USER_DOMAIN_NAME (default <c>Default</c> when neither name nor id is set).</summary>
    public string? UserDomainName { get; init; }

    /// <summary>OS_USER_DOMAIN_ID.</summary>
    public string? UserDomainId { get; init; }

    /// <summary>OS_PROJECT_NAME (or the older OS_TENANT_NAME).</summary>
    public string? ProjectName { get; init; }

    /// <summary>OS_PROJECT_ID (or OS_TENANT_ID).</summary>
    public string? ProjectId { get; init; }

    /// <summary>OS_PROJECT_DOMAIN_NAME.</summary>
    public string? ProjectDomainName { get; init; }

    /// <summary>OS_PROJECT_DOMAIN_ID.</summary>
    public string? ProjectDomainId { get; init; }

    /// <summary>OS_APPLICATION_CREDENTIAL_ID; set means application-credential auth.</summary>
    public string? ApplicationCredentialId { get; init; }

    /// <summary>OS_APPLICATION_CREDENTIAL_NAME (needs the user too).</summary>
    public string? ApplicationCredentialName { get; init; }

    /// <summary>OS_APPLICATION_CREDENTIAL_SECRET.</summary>
    public string? ApplicationCredentialSecret { get; init; }

    /// <summary>OS_REGION_NAME: which region's object-store endpoint to use.</summary>
    public string? RegionName { get; init; }

    /// <summary>OS_INTERFACE: public (default), internal or admin.</summary>
    public string Interface { get; init; } = "public";

    /// <summary>True for application-credential auth, false for password auth.</summary>
    public bool IsApplicationCredential => ApplicationCredentialId is not null || ApplicationCredentialName is not null;

    /// <inheritdoc />
    public override string ToString() =>
        IsApplicationCredential
            ? $"application credential {ApplicationCredentialId ?? ApplicationCredentialName} at {AuthUrl}"
            : $"user {UserName ?? UserId} in project {ProjectName ?? ProjectId} at {AuthUrl}";
}
