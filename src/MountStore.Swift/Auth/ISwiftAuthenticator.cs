namespace MountStore.Swift.Auth;

/// <summary>One way of getting a <see cref="SwiftToken"/>: v1, Keystone v3, or a token given to us.</summary>
public interface ISwiftAuthenticator
{
    /// <summary>Where and how we log in, for messages: never a secret.</summary>
    string Description { get; }

    /// <summary>False when a rejected token cannot be replaced (a token handed to us from outside).</summary>
    bool CanRenew { get; }

    /// <summary>Logs in. Throws <see cref="Core.Storage.AuthenticationFailedException"/> when the credentials are refused.</summary>
    Task<SwiftToken> AuthenticateAsync(HttpClient http, CancellationToken cancellationToken);
}
