using Spinodoid.Design.Abc;

namespace Spinodoid.Design;

/// <summary>The paper's discrepancy (eq. 10): mean absolute relative error over the targeted directions.</summary>
public sealed class MeanAbsolutePercentageDistance(DiffusivityTarget target) : IDistance
{
    private readonly double?[] _target = target.Components.Any(c => c is not null) ? target.Components
        : throw new ArgumentException("the target leaves every direction free; give at least one η");

    /// <inheritdoc />
    public double Measure(ReadOnlySpan<double> eta)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < 3; i++)
        {
            if (_target[i] is not double t) continue;
            sum += Math.Abs(eta[i] - t) / t;
            count++;
        }
        return sum / count;
    }
}
