using System.Text.Json;
using FlowRunner.Testing;

namespace FlowRunner.Hosting.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> passes two validators nobody here wrote: Redocly CLI's recommended rules (no error) and
/// @readme/openapi-parser. Real answers are checked against it where the stories run (SeedAuthApiTests, GenericApiTests).
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Redocly_and_openapi_parser_accept_the_document()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        string document = await host.Client.GetStringAsync("/openapi/v1.json");
        using var temp = new TempFolder("flowrunner-openapi-");
        string file = Path.Combine(temp.Path, "openapi.json");
        File.WriteAllText(file, document);

        var (_, lint, lintError) = OutsideValidators.RunNode("redocly", "lint", file, "--format", "json");
        int start = lint.IndexOf('{', StringComparison.Ordinal);
        Assert.True(start >= 0, $"redocly printed no report: {lintError}{lint}");
        using JsonDocument report = JsonDocument.Parse(lint[start..]);
        string[] errors = [.. report.RootElement.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}")];
        Assert.True(errors.Length == 0, $"Redocly: {errors.Length} errors:\n{string.Join('\n', errors)}");

        var (code, output, error) = OutsideValidators.RunScript("""
            require('@readme/openapi-parser').validate(process.argv[2])
              .then(r => console.log(JSON.stringify(r)))
              .catch(e => { console.log(JSON.stringify({ valid: false, errors: [String(e.message)] })); });
            """, file);
        Assert.True(code == 0, $"openapi-parser did not run: {error}");
        using JsonDocument parsed = JsonDocument.Parse(output);
        Assert.True(parsed.RootElement.GetProperty("valid").GetBoolean(), $"@readme/openapi-parser: {output}");
    }

    [Fact]
    public async Task Bearer_security_is_declared_and_applied_only_where_a_token_is_needed()
    {
        await using KestrelHost host = await KestrelHost.StartAsync();
        using JsonDocument document = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json"));
        JsonElement scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        JsonElement paths = document.RootElement.GetProperty("paths");

        JsonElement login = paths.GetProperty("/api/auth/login").GetProperty("post");
        Assert.Equal(0, login.GetProperty("security").GetArrayLength());
        Assert.Equal("postApiAuthLogin", login.GetProperty("operationId").GetString());
        JsonElement retry = login.GetProperty("responses").GetProperty("429");
        Assert.True(retry.GetProperty("headers").GetProperty("Retry-After").GetProperty("required").GetBoolean());
        Assert.True(retry.GetProperty("content").TryGetProperty("application/problem+json", out _));

        JsonElement profile = paths.GetProperty("/api/user/profile").GetProperty("get");
        Assert.True(profile.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.True(profile.GetProperty("responses").GetProperty("401").GetProperty("headers").TryGetProperty("WWW-Authenticate", out _));

        JsonElement flows = paths.GetProperty("/flows").GetProperty("get");
        Assert.True(flows.GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(flows.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));

        foreach (string method in new[] { "get", "post" })
        {
            JsonElement reset = paths.GetProperty("/api/auth/reset/{token}").GetProperty(method);
            Assert.Contains(reset.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "token" && p.GetProperty("in").GetString() == "path");
        }
    }
}
