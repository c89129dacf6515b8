using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowRunner.Cli.Commands;
using Microsoft.AspNetCore.Builder;

namespace FlowRunner.Cli.Tests;

/// <summary>With a certificate, serve speaks HTTPS and sends HSTS (a self-signed certificate made by the test).</summary>
public sealed class ServeHttpsTests
{
    [Fact]
    public async Task Serve_with_a_certificate_uses_https_and_sends_hsts()
    {
        using var flows = new TempFlows();
        flows.Write("flows/a.flow", TempFlows.Valid);
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string pfx = Path.Combine(flows.Root, "server.pfx");
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        Environment.SetEnvironmentVariable("FLOWRUNNER_CERTIFICATE_PASSWORD", password);
        try
        {
            await using WebApplication app = ServeCommand.Build(Path.Combine(flows.Root, "flows"), Path.Combine(flows.Root, "f.db"), "https://127.0.0.1:0", pfx);
            await app.StartAsync();
            string thumbprint = certificate.Thumbprint;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint,
            };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
            HttpResponseMessage health = await client.GetAsync("/health");
            Assert.True(health.IsSuccessStatusCode);
            Assert.StartsWith("https://", app.Urls.First(), StringComparison.Ordinal);
            Assert.Contains("max-age=31536000", health.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
            await app.StopAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLOWRUNNER_CERTIFICATE_PASSWORD", null);
        }
    }

    [Fact]
    public void Https_without_a_certificate_is_a_usage_error()
    {
        using var flows = new TempFlows();
        var (code, _, error) = CliRunner.Run("serve", flows.Root, "--urls", "https://127.0.0.1:5999");
        Assert.Equal(2, code);
        Assert.Contains("needs --certificate", error, StringComparison.Ordinal);
    }
}
