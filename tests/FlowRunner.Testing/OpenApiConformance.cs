using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowRunner.Testing;

/// <summary>
/// Records real answers of a server and checks them against its own OpenAPI document with Ajv (JSON Schema 2020-12, the
/// dialect of OpenAPI 3.1): each answer's status must be documented, and a JSON body must match the schema documented
/// for that status and content type.
/// </summary>
public sealed class OpenApiConformance
{
    private const string Script = """
        const Ajv2020 = require('ajv/dist/2020').default;
        const fs = require('fs');
        const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
        const answers = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
        const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
        ajv.addSchema({ $id: 'doc', components: doc.components || {} });
        const anchored = s => JSON.parse(JSON.stringify(s).replaceAll('"$ref":"#/', '"$ref":"doc#/'));
        const problems = [];
        for (const a of answers) {
          const where = `${a.method} ${a.path} -> ${a.status}`;
          const op = (doc.paths[a.template] || {})[a.method.toLowerCase()];
          if (!op) { problems.push(`${where}: no operation ${a.method} ${a.template}`); continue; }
          const response = op.responses[String(a.status)] || op.responses[`${String(a.status)[0]}XX`] || op.responses.default;
          if (!response) { problems.push(`${where}: status not documented`); continue; }
          if (a.body === null) continue;
          const media = (response.content || {})[a.contentType];
          if (!media) { problems.push(`${where}: content type ${a.contentType} not documented`); continue; }
          if (!media.schema) continue;
          const validate = ajv.compile(anchored(media.schema));
          if (!validate(a.body)) problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(a.body).slice(0, 300)}`);
        }
        console.log(JSON.stringify(problems));
        """;

    private readonly List<JsonObject> _answers = [];

    /// <summary>A client whose every answer is recorded; with <paramref name="bearer"/> it sends that access token.</summary>
    public HttpClient Client(Uri baseAddress, string? bearer = null)
    {
        var client = new HttpClient(new Recorder(this)) { BaseAddress = baseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>How many answers were recorded.</summary>
    public int Count => _answers.Count;

    /// <summary>Fails with every recorded answer that the document at <paramref name="documentJson"/> does not describe.</summary>
    public void AssertAllMatch(string documentJson)
    {
        JsonNode document = JsonNode.Parse(documentJson)!;
        string[] templates = [.. document["paths"]!.AsObject().Select(p => p.Key)];
        foreach (JsonObject answer in _answers)
        {
            string path = (string)answer["path"]!;
            answer["template"] = templates.FirstOrDefault(t => Matches(t, path, greedy: false))
                ?? templates.FirstOrDefault(t => Matches(t, path, greedy: true)) ?? path;
        }

        using var temp = new TempFolder("flowrunner-openapi-");
        string doc = Path.Combine(temp.Path, "openapi.json");
        string answers = Path.Combine(temp.Path, "answers.json");
        File.WriteAllText(doc, documentJson);
        File.WriteAllText(answers, new JsonArray([.. _answers.Select(a => a.DeepClone())]).ToJsonString());
        (int code, string output, string error) = OutsideValidators.RunScript(Script, doc, answers);
        Assert.True(code == 0, $"the schema check did not run ({code}): {error}");
        string[] problems = JsonSerializer.Deserialize<string[]>(output)!;
        Assert.True(problems.Length == 0, $"{problems.Length} of {_answers.Count} answers do not match the OpenAPI document:\n{string.Join('\n', problems)}");
    }

    // "/api/auth/reset/{token}" matches "/api/auth/reset/abc"; when nothing matches so, a last parameter takes the rest
    // of the path, as a catch-all route does ("/flows/{name}" for "/flows/auth/login/instances").
    private static bool Matches(string template, string path, bool greedy)
    {
        string[] t = template.Trim('/').Split('/');
        string[] p = path.Trim('/').Split('/');
        for (int i = 0; i < t.Length; i++)
        {
            if (greedy && i == t.Length - 1 && t[i].StartsWith('{'))
            {
                return p.Length > i;
            }

            if (i >= p.Length || (!t[i].StartsWith('{') && t[i] != p[i]))
            {
                return false;
            }
        }

        return t.Length == p.Length;
    }

    private sealed class Recorder(OpenApiConformance owner) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false); // buffered: callers still read it
            string? type = response.Content.Headers.ContentType?.MediaType;
            JsonNode? body = text.Length > 0 && type is not null && type.EndsWith("json", StringComparison.Ordinal) ? JsonNode.Parse(text) : null;
            lock (owner._answers)
            {
                owner._answers.Add(new JsonObject
                {
                    ["method"] = request.Method.Method,
                    ["path"] = request.RequestUri!.AbsolutePath,
                    ["status"] = (int)response.StatusCode,
                    ["contentType"] = type,
                    ["body"] = body,
                });
            }

            return response;
        }
    }
}
