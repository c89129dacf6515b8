using System.Text.Json;

namespace FlowRunner.Engine.Activities;

/// <summary>The secrets a run's handlers read and keep (in memory only): the run's own, then those kept by earlier runs.</summary>
internal interface IRunSecrets
{
    /// <summary>A secret of the instance, or null.</summary>
    JsonElement? Secret(string instanceId, string name);

    /// <summary>Keeps secrets of the instance for its later nodes.</summary>
    void KeepSecrets(string instanceId, IEnumerable<KeyValuePair<string, JsonElement>> values);
}
