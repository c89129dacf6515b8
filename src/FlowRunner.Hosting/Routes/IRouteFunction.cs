namespace FlowRunner.Hosting.Routes;

/// <summary>A function route expressions can apply to a value (<c>=name:path.token</c>), registered by an activity pack.</summary>
public interface IRouteFunction
{
    /// <summary>The name expressions use, e.g. <c>hash</c>.</summary>
    string Name { get; }

    /// <summary>The function's value for a text.</summary>
    string Apply(string value);
}
