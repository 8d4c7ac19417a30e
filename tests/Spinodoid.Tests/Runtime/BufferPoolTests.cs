using Spinodoid.Runtime;

namespace Spinodoid.Tests.Runtime;

/// <summary>How many arrays of one length the pool keeps, and that a kept array is handed out again.</summary>
public sealed class BufferPoolTests
{
    [Theory]
    [InlineData(8L << 20, 2, 32)]          // an N = 128 grid of floats: as many as fit in 256 MiB, at most 32
    [InlineData(800L << 20, 2, 3)]         // an N = 576 grid: one per core and one more
    [InlineData(8L << 20, 64, 65)]         // many cores: never fewer than one per core and one more
    [InlineData(0, 2, 32)]                 // an empty array
    public void KeepsAtLeastOnePerCoreAndAtMostWhatFitsInItsBudget(long bytes, int cores, long expected) =>
        Assert.Equal(expected, BufferPool<float>.KeptPerLength(bytes, cores));

    [Fact]
    public void AReturnedArrayIsRentedAgain()
    {
        // A length no other test uses, so that the pool's other users cannot take it in between.
        var array = BufferPool<short>.Rent(12_345);
        BufferPool<short>.Return(array);
        Assert.Same(array, BufferPool<short>.Rent(12_345));
    }
}
