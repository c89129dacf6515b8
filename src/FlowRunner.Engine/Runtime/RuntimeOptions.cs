namespace FlowRunner.Engine.Runtime;

/// <summary>Runtime limits.</summary>
public sealed record RuntimeOptions
{
    /// <summary>How many times a node outside any loop region may run in one instance.</summary>
    public int DefaultVisitBound { get; init; } = Graph.LoopBounds.Default;

    /// <summary>Steps one <c>RunAsync</c> call takes before yielding (a guard; loop bounds stop real loops first).</summary>
    public int MaxStepsPerRun { get; init; } = 10_000;

    /// <summary>
    /// Consecutive steps of one run committed together (1 commits every step). Fewer commits make a run faster;
    /// more steps per transaction hold SQLite's single write lock longer and redo more after a crash.
    /// </summary>
    public int StepsPerTransaction { get; init; } = 32;
}
