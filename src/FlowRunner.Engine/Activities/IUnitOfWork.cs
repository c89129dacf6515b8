namespace FlowRunner.Engine.Activities;

/// <summary>
/// A transaction on the database: the stores of activity packs (users, codes, tokens) write through it, so their
/// rows commit or roll back together. Disposing without committing rolls everything back.
/// </summary>
public interface IUnitOfWork : IAsyncDisposable
{
    /// <summary>The store of type <typeparamref name="T"/> (e.g. the identity pack's), working inside this transaction.</summary>
    /// <exception cref="InvalidOperationException">No store of that type was registered with the database's store.</exception>
    T Store<T>()
        where T : class;

    /// <summary>Commits everything written in the unit.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
