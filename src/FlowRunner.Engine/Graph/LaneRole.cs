namespace FlowRunner.Engine.Graph;

/// <summary>Who acts in a lane: the caller of the API, or the engine itself.</summary>
public enum LaneRole
{
    /// <summary>A person or client (User, Client, Customer...): its nodes wait for input.</summary>
    Actor,

    /// <summary>A service the engine runs (AuthServer, Database...).</summary>
    Service,
}
