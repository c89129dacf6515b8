using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Engine.Activities;
using FlowRunner.Engine.State;

namespace FlowRunner.Engine.Persistence;

/// <summary>
/// An instance as rows, the same for every relational store: the instance row (structured values as JSON text),
/// its branches in order, and its variables. Stores map these columns and never the state's shape themselves.
/// </summary>
public static class StoredInstance
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The instance row's parameters: Id, FlowName, FlowHash, Status, Version, NextBranch, Visits, Outputs, Incident, CreatedAt, UpdatedAt, TraceParent, BindingHash.</summary>
    public static InstanceRow Row(InstanceState state) => new()
    {
        Id = state.Id,
        FlowName = state.FlowName,
        FlowHash = state.FlowHash,
        Status = state.Status.ToString(),
        Version = state.Version,
        NextBranch = state.NextBranch,
        Visits = Write(state.Visits),
        Outputs = Write(state.Outputs),
        Incident = state.Incident is null ? null : Write(state.Incident),
        CreatedAt = StoredTime.Format(state.CreatedAt),
        UpdatedAt = StoredTime.Format(state.UpdatedAt),
        TraceParent = state.TraceParent,
        BindingHash = state.BindingHash,
    };

    /// <summary>The branch rows, in the instance's order (<see cref="BranchRow.Position"/>).</summary>
    public static IEnumerable<BranchRow> Branches(InstanceState state) => state.Branches.Select((branch, i) => new BranchRow
    {
        InstanceId = state.Id,
        Id = branch.Id,
        Position = i,
        NodeId = branch.NodeId,
        Status = branch.Status.ToString(),
        PreviousOutcome = branch.PreviousOutcome,
        Wait = branch.Wait is null ? null : Write(branch.Wait),
        TimedOut = branch.TimedOut ? 1 : 0,
    });

    /// <summary>The variable rows (values as raw JSON).</summary>
    public static IEnumerable<VariableRow> Variables(InstanceState state) =>
        state.Variables.Select(v => new VariableRow { InstanceId = state.Id, Name = v.Key, Value = v.Value.GetRawText() });

    /// <summary>The state the rows hold; branches in the order given.</summary>
    public static InstanceState Read(InstanceRow row, IEnumerable<BranchRow> branches, IEnumerable<VariableRow> variables)
    {
        var state = new InstanceState
        {
            Id = row.Id,
            FlowName = row.FlowName,
            FlowHash = row.FlowHash,
            Status = Enum.Parse<InstanceStatus>(row.Status),
            Version = (int)row.Version,
            NextBranch = (int)row.NextBranch,
            Visits = Read<Dictionary<string, int>>(row.Visits),
            Outputs = Read<Dictionary<string, JsonElement>>(row.Outputs),
            Incident = row.Incident is null ? null : Read<Incident>(row.Incident),
            TraceParent = row.TraceParent,
            BindingHash = row.BindingHash,
            CreatedAt = StoredTime.Parse(row.CreatedAt),
            UpdatedAt = StoredTime.Parse(row.UpdatedAt),
        };
        foreach (BranchRow branch in branches)
        {
            state.Branches.Add(new Branch
            {
                Id = branch.Id,
                NodeId = branch.NodeId,
                Status = Enum.Parse<BranchStatus>(branch.Status),
                PreviousOutcome = branch.PreviousOutcome,
                Wait = branch.Wait is null ? null : Read<WaitRequest>(branch.Wait),
                TimedOut = branch.TimedOut != 0,
            });
        }

        foreach (VariableRow variable in variables)
        {
            using JsonDocument value = JsonDocument.Parse(variable.Value);
            state.Variables[variable.Name] = value.RootElement.Clone();
        }

        return state;
    }

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)
        ?? throw new InvalidDataException($"stored JSON is null where a {typeof(T).Name} was expected");

    /// <summary>A row of <c>instances</c>.</summary>
    public sealed class InstanceRow
    {
        /// <summary>The id.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The flow's name.</summary>
        public string FlowName { get; set; } = string.Empty;

        /// <summary>The flow version's hash.</summary>
        public string FlowHash { get; set; } = string.Empty;

        /// <summary>The status's name.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The version (steps saved).</summary>
        public long Version { get; set; }

        /// <summary>The next branch number.</summary>
        public long NextBranch { get; set; }

        /// <summary>Visits per node, JSON.</summary>
        public string Visits { get; set; } = "{}";

        /// <summary>Outputs, JSON.</summary>
        public string Outputs { get; set; } = "{}";

        /// <summary>The incident, JSON, or null.</summary>
        public string? Incident { get; set; }

        /// <summary>When it was created (<see cref="StoredTime"/>).</summary>
        public string CreatedAt { get; set; } = string.Empty;

        /// <summary>When it last changed (<see cref="StoredTime"/>).</summary>
        public string UpdatedAt { get; set; } = string.Empty;

        /// <summary>The W3C traceparent of the start, or null.</summary>
        public string? TraceParent { get; set; }

        /// <summary>The hash of which nodes ran a handler at the start, or null (started before it was recorded).</summary>
        public string? BindingHash { get; set; }
    }

    /// <summary>A row of <c>branches</c>.</summary>
    public sealed class BranchRow
    {
        /// <summary>The instance.</summary>
        public string InstanceId { get; set; } = string.Empty;

        /// <summary>The branch's id.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>Its place among the instance's branches.</summary>
        public long Position { get; set; }

        /// <summary>The node it sits at.</summary>
        public string NodeId { get; set; } = string.Empty;

        /// <summary>The status's name.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The outcome of the activity before it, or null.</summary>
        public string? PreviousOutcome { get; set; }

        /// <summary>What it waits for, JSON, or null.</summary>
        public string? Wait { get; set; }

        /// <summary>1 when its wait passed its deadline.</summary>
        public long TimedOut { get; set; }
    }

    /// <summary>A row of <c>variables</c>.</summary>
    public sealed class VariableRow
    {
        /// <summary>The instance.</summary>
        public string InstanceId { get; set; } = string.Empty;

        /// <summary>The name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The value, raw JSON.</summary>
        public string Value { get; set; } = string.Empty;
    }
}
