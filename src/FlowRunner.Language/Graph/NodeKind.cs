namespace FlowRunner.Language.Graph;

/// <summary>What a node does when an instance reaches it (product design §4), from its shape and its edges.</summary>
public enum NodeKind
{
    /// <summary>A circle without incoming edges: where instances start.</summary>
    Start,

    /// <summary>A circle without outgoing edges: where a branch ends.</summary>
    End,

    /// <summary>A circle with edges in and out: recorded, then passed through.</summary>
    Milestone,

    /// <summary>A rectangle or taskbox (or a shape FlowZap does not know): an activity.</summary>
    Activity,

    /// <summary>A diamond: exactly one exit is taken.</summary>
    Decision,
}
