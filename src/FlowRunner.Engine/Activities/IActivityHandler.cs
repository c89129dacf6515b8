namespace FlowRunner.Engine.Activities;

/// <summary>
/// Runs one kind of node. Handlers are stateless singletons; per-run state comes in through the context.
/// A node binds to a handler by its label (normalised) or by an explicit mapping in the flow's bindings file.
/// </summary>
public interface IActivityHandler
{
    /// <summary>The stable key nodes bind to, e.g. <c>identity.totp-verify</c>.</summary>
    string Type { get; }

    /// <summary>The outcomes it can produce, matched against decision exit labels (e.g. "valid", "invalid").</summary>
    IReadOnlyList<string> Outcomes { get; }

    /// <summary>Node labels it binds to without a bindings file, e.g. "Verify OTP code".</summary>
    IReadOnlyList<string> Labels => [];

    /// <summary>Checks a node's options before anything runs; returns the problem, or null when they are valid.</summary>
    string? ValidateOptions(System.Text.Json.JsonElement options) => null;

    /// <summary>
    /// True when <see cref="ExecuteAsync"/> returns at once and reads nothing from the database (a step that hands work
    /// on): it then runs while the run's transaction is still open, so it costs no commit of its own, and the commit work
    /// it returns runs in that transaction behind a savepoint. Other handlers run after the open transaction commits.
    /// </summary>
    bool IsInstant => false;

    /// <summary>
    /// Runs the node with no database transaction open, so slow work here (hashing, network calls) holds nothing up.
    /// It reads through <see cref="ActivityContext.Data"/>, a read-only view; database writes go in
    /// <see cref="ActivityResult.InCommit"/>, which runs them in the step's commit. Throwing faults the instance with an
    /// incident; use <see cref="ActivityResult.Fail"/> for expected failures.
    /// </summary>
    ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);
}
