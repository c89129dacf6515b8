using System.Text.Json;

namespace FlowRunner.Engine.Persistence;

/// <summary>A message for an edge the engine cannot reach itself (an email, an SMS), written with the step that sent it.</summary>
public sealed record OutboxMessage(long Id, string InstanceId, string Kind, JsonElement Payload, DateTimeOffset CreatedAt);
