using FlowRunner.Activities.Identity;
using FlowRunner.Hosting.Routes;

namespace FlowRunner.Hosting.Identity;

/// <summary><c>=hash:path.token</c>: the peppered hash the identity pack stores for tokens, to find the instance a reset link belongs to.</summary>
internal sealed class HashRouteFunction(IdentityServices identity) : IRouteFunction
{
    public const string FunctionName = "hash";

    public string Name => FunctionName;

    public string Apply(string value) => identity.HashToken(value);
}
