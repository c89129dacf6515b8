using System.Globalization;
using System.Text;

namespace FlowRunner.Benchmarks;

/// <summary>Generates a valid flow of N nodes: lanes of 100 nodes, a start and an end, decisions every 10 nodes.</summary>
internal static class FlowGenerator
{
    public static string Generate(int nodes)
    {
        var builder = new StringBuilder(nodes * 90);
        const int perLane = 100;
        for (int first = 1, lane = 0; first <= nodes; first += perLane, lane++)
        {
            int last = Math.Min(nodes, first + perLane - 1);
            builder.Append(CultureInfo.InvariantCulture, $"Lane{lane} {{ # Lane number {lane}\n");
            for (int i = first; i <= last; i++)
            {
                string shape = i == 1 || i == nodes ? "circle" : i % 10 == 0 ? "diamond" : "rectangle";
                builder.Append(CultureInfo.InvariantCulture, $"  n{i}: {shape} label:\"Step {i} of the generated flow\"\n");
            }

            for (int i = first; i <= last && i < nodes; i++)
            {
                bool crossLane = i == last;
                string target = crossLane ? $"Lane{lane + 1}.n{i + 1}" : $"n{i + 1}";
                string handles = crossLane ? ".handle(bottom) -> " + target + ".handle(top)" : ".handle(right) -> " + target + ".handle(left)";
                string label = i % 10 == 0 ? " [label=\"Yes\"]" : string.Empty;
                builder.Append(CultureInfo.InvariantCulture, $"  n{i}{handles}{label}\n");
                if (i % 10 == 0)
                {
                    // The decision's other exit goes back one step: a loop with an exit.
                    builder.Append(CultureInfo.InvariantCulture, $"  n{i}.handle(top) -> n{i - 1}.handle(top) [label=\"No\"]\n");
                }
            }

            builder.Append("}\n");
        }

        return builder.ToString();
    }
}
