using System.Reflection;
using System.Runtime.Loader;

namespace FlowRunner.Hosting;

/// <summary>Loads activity assemblies into the host's own load context, so they share its FlowRunner types.</summary>
internal static class ActivityAssemblies
{
    private static readonly Lock Gate = new();
    private static readonly List<AssemblyDependencyResolver> Resolvers = [];

    public static Assembly Load(string path)
    {
        lock (Gate)
        {
            if (Resolvers.Count == 0)
            {
                // What the host has is used first; what only an activity assembly brings is found beside it.
                AssemblyLoadContext.Default.Resolving += (context, name) =>
                {
                    lock (Gate)
                    {
                        return Resolvers.Select(r => r.ResolveAssemblyToPath(name)).OfType<string>().Select(context.LoadFromAssemblyPath).FirstOrDefault();
                    }
                };
            }

            Resolvers.Add(new AssemblyDependencyResolver(path));
        }

        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
