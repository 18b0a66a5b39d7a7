namespace Sideye.Snapshot.Synthetic;

/// <summary>
/// The size of a generated snapshot: <see cref="Stacks"/> stacks holding <see cref="Frames"/> frames in all (a few
/// hundred distinct shapes, repeated), and <see cref="CapturedRows"/> rows of the spec'd function's JSON values.
/// The same options and <see cref="Seed"/> give the same snapshot.
/// </summary>
public sealed record GeneratorOptions(int Stacks, int Frames, int CapturedRows, int Seed = 1)
{
    /// <summary>The function whose frames carry the captured rows, and the table the generated spec names for it.</summary>
    public const string Function = "Shop.Orders.OrderService.HandleAsync";
    public const string Table = "OrderService_HandleAsync";
}
