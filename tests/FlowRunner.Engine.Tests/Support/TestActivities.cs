using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Tests.Support;

/// <summary>Returns the outcome named in its options (<c>{"outcome": "valid"}</c>), or "valid".</summary>
public sealed class OutcomeActivity : IActivityHandler
{
    public string Type => "test.outcome";

    public IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public IReadOnlyList<string> Labels => ["Check it"];

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.WithOutcome(
            context.Options.TryGetProperty("outcome", out JsonElement o) ? o.GetString()! : "valid"));
}

/// <summary>Writes a row into its own table in the step's transaction, then optionally throws or fails.</summary>
public sealed class RecordActivity : IActivityHandler
{
    public string Type => "test.record";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Record it"];

    public string? ValidateOptions(JsonElement options) =>
        options.TryGetProperty("mode", out JsonElement mode) && mode.GetString() is not ("ok" or "throw" or "fail")
            ? "\"mode\" must be ok, throw or fail"
            : null;

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
        {
            await data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
            context.Emit("test.recorded", JsonSerializer.SerializeToElement(new { node = context.Node.Id }));
            string mode = context.Options.TryGetProperty("mode", out JsonElement m) ? m.GetString()! : "ok";
            return mode switch
            {
                "throw" => throw new InvalidOperationException("boom"),
                "fail" => ActivityResult.Fail("it failed"),
                _ => ActivityResult.Done(ImmutableDictionary<string, JsonElement>.Empty.Add("recorded", JsonSerializer.SerializeToElement(context.Node.Id))),
            };
        }));
}

/// <summary>Asks for a code; completes with "valid" when it is "123456", "invalid" otherwise.</summary>
public sealed class AskCodeActivity : IActivityHandler
{
    public string Type => "test.ask-code";

    public IReadOnlyList<string> Outcomes => ["valid", "invalid"];

    public IReadOnlyList<string> Labels => ["Ask for code"];

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        if (!context.IsResumed)
        {
            return ValueTask.FromResult(ActivityResult.WaitFor(WaitRequest.ForFields([new("code", new InputField("code"))])));
        }

        return ValueTask.FromResult(ActivityResult.WithOutcome(context.Input["code"].GetString() == "123456" ? "valid" : "invalid"));
    }
}

/// <summary>Delivers a public and a secret output.</summary>
public sealed class SecretOutputActivity : IActivityHandler
{
    public string Type => "test.secret-output";

    public IReadOnlyList<string> Outcomes => [];

    public IReadOnlyList<string> Labels => ["Hand over a key"];

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ActivityResult.Done(
            ImmutableDictionary<string, JsonElement>.Empty.Add("kind", JsonSerializer.SerializeToElement("key")),
            ImmutableDictionary<string, JsonElement>.Empty.Add("key", JsonSerializer.SerializeToElement("s3cr3t-key-value"))));
}

/// <summary>
/// For request-scoped runs: appends its node id to the request (a <see cref="List{T}"/> of strings), then refuses
/// (<c>{"refuse": true}</c>), or writes a record in its commit (<c>{"record": true}</c>), or completes.
/// </summary>
public sealed class RequestProbeActivity : IActivityHandler
{
    public string Type => "test.request-probe";

    public IReadOnlyList<string> Outcomes => [];

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var seen = (List<string>)context.Request!;
        seen.Add(context.Node.Id);
        if (context.Options.TryGetProperty("refuse", out JsonElement refuse) && refuse.GetBoolean())
        {
            return ValueTask.FromResult(ActivityResult.Fail("refused by " + context.Node.Id));
        }

        if (context.Options.TryGetProperty("record", out JsonElement record) && record.GetBoolean())
        {
            return ValueTask.FromResult(ActivityResult.InCommit(async (data, _) =>
            {
                await data.Store<RecordStore>().RecordAsync(context.InstanceId, context.Node.Id).ConfigureAwait(false);
                return ActivityResult.Done(ImmutableDictionary<string, JsonElement>.Empty.Add("last", JsonSerializer.SerializeToElement(context.Node.Id)));
            }));
        }

        return ValueTask.FromResult(ActivityResult.Done());
    }
}
