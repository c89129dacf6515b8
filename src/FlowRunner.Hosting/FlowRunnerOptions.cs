using FlowRunner.Activities.Identity;

namespace FlowRunner.Hosting;

/// <summary>Where the flows and the database are, and the identity keys.</summary>
public sealed class FlowRunnerOptions
{
    /// <summary>The folder whose *.flow and *.fz files are served.</summary>
    public string FlowsFolder { get; set; } = "flows";

    /// <summary>The SQLite database file.</summary>
    public string Database { get; set; } = "flowrunner.db";

    /// <summary>Keys and policy of the identity activities.</summary>
    public IdentityOptions? Identity { get; set; }

    /// <summary>The largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How often due timers are looked for.</summary>
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(1);
}
