using System.Security.Claims;
using System.Text.Encodings.Web;
using FlowRunner.Activities.Identity;
using FlowRunner.Activities.Identity.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowRunner.Hosting.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;access token&gt;</c> with FlowRunner's own validator, and the configured
/// service token (<see cref="IdentityOptions.ServiceToken"/>) as the <c>service</c> role, which only the internal routes accept.
/// </summary>
internal sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IdentityServices identity,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "Bearer";

    /// <summary>The role of a caller that presented the service token.</summary>
    public const string ServiceRole = "service";

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string presented = header["Bearer ".Length..].Trim();
        if (identity.IsServiceToken(presented))
        {
            var service = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, ServiceRole)], SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(service, SchemeName)));
        }

        JwtValidation token = identity.ValidateAccessToken(presented, time);
        if (!token.IsValid)
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid token"));
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, token.Subject!) };
        if (token.Claims.TryGetValue("email", out var email) && email.GetString() is { } e)
        {
            claims.Add(new Claim(ClaimTypes.Email, e));
        }

        if (token.Claims.TryGetValue("role", out var role) && role.GetString() is { } r)
        {
            claims.Add(new Claim(ClaimTypes.Role, r));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <inheritdoc/>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
