namespace FlowRunner.Hosting;

/// <summary>
/// What an activity assembly loaded with <see cref="FlowRunnerBuilder.AddActivitiesFrom"/> (<c>flowrunner serve
/// --activities</c>) adds to the host beyond its activity handlers: its pack's tables, services, options. Public, concrete
/// and with a parameterless constructor.
/// </summary>
public interface IFlowRunnerExtension
{
    /// <summary>Adds to the host being composed.</summary>
    /// <param name="builder">The host's builder.</param>
    void Configure(FlowRunnerBuilder builder);
}
