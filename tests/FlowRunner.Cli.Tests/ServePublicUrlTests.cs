using FlowRunner.Activities.Identity;
using FlowRunner.Cli.Commands;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Cli.Tests;

/// <summary><c>serve --public-url</c>: the address in emailed links is the one users reach, not a hard-coded one.</summary>
public sealed class ServePublicUrlTests
{
    [Theory]
    [InlineData("https://auth.example.com", "http://127.0.0.1:5080", "https://auth.example.com/api/auth/reset/")]
    [InlineData("https://example.com/sign-in/", "http://127.0.0.1:5080", "https://example.com/sign-in/api/auth/reset/")]
    [InlineData(null, "http://127.0.0.1:5080;http://127.0.0.1:5081", "http://127.0.0.1:5080/api/auth/reset/")]
    public void Reset_links_point_at_the_public_address_or_else_the_first_listen_address(string? publicUrl, string urls, string expected) =>
        Assert.Equal(expected, ServeCommand.ResetLinkBase(publicUrl, urls));

    [Theory]
    [InlineData("auth.example.com", null, "--public-url 'auth.example.com'")]
    [InlineData("ftp://example.com", null, "--public-url 'ftp://example.com'")]
    [InlineData(null, "http://*:5080", "set --public-url")]
    [InlineData(null, "http://0.0.0.0:5080", "set --public-url")]
    public void An_address_users_cannot_reach_is_refused_with_the_fix(string? publicUrl, string? urls, string named)
    {
        ConfigurationProblemException refused = Assert.Throws<ConfigurationProblemException>(() => ServeCommand.ResetLinkBase(publicUrl, urls ?? "http://127.0.0.1:5080"));
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        Assert.Contains("https://auth.example.com", refused.Message, StringComparison.Ordinal); // the example of what to give
    }

    [Fact]
    public async Task The_served_identity_pack_sends_links_to_the_public_address()
    {
        using var flows = new TempFlows();
        flows.Write("flows/a.flow", TempFlows.Valid);
        await using WebApplication app = ServeCommand.Build(Path.Combine(flows.Root, "flows"), Path.Combine(flows.Root, "f.db"), "http://127.0.0.1:0", publicUrl: "https://auth.example.com");
        Assert.Equal("https://auth.example.com/api/auth/reset/", app.Services.GetRequiredService<IdentityServices>().Options.ResetLinkBase);
    }

    [Fact]
    public void Serve_with_a_bad_public_url_says_so_and_serves_nothing()
    {
        using var flows = new TempFlows();
        flows.Write("flows/a.flow", TempFlows.Valid);
        var (exit, _, error) = CliRunner.Run("serve", Path.Combine(flows.Root, "flows"), "--db", Path.Combine(flows.Root, "f.db"), "--urls", "http://127.0.0.1:0", "--public-url", "auth.example.com");
        Assert.Equal(2, exit);
        Assert.Contains("--public-url 'auth.example.com' is not an absolute http(s) address", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5/32")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("2001:db8::1", "2001:db8::1/128")]
    public void A_trusted_proxy_is_an_address_or_a_network(string given, string network) =>
        Assert.Equal(network, ServeCommand.Proxy(given).ToString());

    [Fact]
    public void A_trusted_proxy_that_is_neither_is_refused_with_the_fix()
    {
        ConfigurationProblemException refused = Assert.Throws<ConfigurationProblemException>(() => ServeCommand.Proxy("proxy.local"));
        Assert.Contains("'proxy.local'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("10.0.0.0/8", refused.Message, StringComparison.Ordinal);
    }
}
