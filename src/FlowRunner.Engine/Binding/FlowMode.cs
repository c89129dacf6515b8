namespace FlowRunner.Engine.Binding;

/// <summary>How a flow's instances live: declared by <c>"mode"</c> in the flow's bindings file.</summary>
public enum FlowMode
{
    /// <summary>Every step is committed with its journal; the instance can wait, and survives crashes.</summary>
    Durable,

    /// <summary>
    /// The instance lives in memory for one request (a gateway check): nothing is journaled, it cannot wait, and only
    /// the handlers' own commit work reaches the database.
    /// </summary>
    Request,
}
