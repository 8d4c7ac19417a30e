namespace Spinodoid.Runtime;

/// <summary>
/// The small dense linear algebra the pipeline needs (kernel covariances of ABC, the refinement's few-by-few systems,
/// the multigrid's coarsest level): Cholesky factorisation and solves, Gaussian elimination, inversion.
/// </summary>
internal static class DenseLinearAlgebra
{
    /// <summary>
    /// Overwrites the lower triangle of the row-major n × n symmetric matrix <paramref name="a"/> with its Cholesky
    /// factor L (A = L Lᵀ) and returns log det A; NaN when A is not positive definite (then <paramref name="a"/> is spoilt).
    /// </summary>
    public static double CholeskyInPlace(Span<double> a, int n)
    {
        double logDet = 0;
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
            if (!(d > 0) || !double.IsFinite(d)) return double.NaN;
            logDet += Math.Log(d);
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / d;
            }
        }
        return logDet;
    }

    /// <summary>Solves L Lᵀ x = b in place for the factor of <see cref="CholeskyInPlace"/>.</summary>
    public static void CholeskySolve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * b[k];
            b[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
            b[i] = s / l[i * n + i];
        }
    }

    /// <summary>The lower Cholesky factor of a symmetric matrix and log det, or null when it is not positive definite.</summary>
    public static (double[,] L, double LogDet)? Cholesky(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            a[i * n + j] = matrix[i, j];
        double logDet = CholeskyInPlace(a, n);
        if (double.IsNaN(logDet)) return null;
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            l[i, j] = a[i * n + j];
        return (l, logDet);
    }

    /// <summary>Gaussian elimination with partial pivoting for small systems; null when singular.</summary>
    public static double[]? Solve(double[,] matrix, double[] rhs)
    {
        int n = rhs.Length;
        var a = (double[,])matrix.Clone();
        var b = (double[])rhs.Clone();
        double scale = 0;
        foreach (var v in a) scale = Math.Max(scale, Math.Abs(v));
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (!(Math.Abs(a[pivot, col]) > 1e-12 * scale)) return null;
            for (int k = 0; k < n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k < n; k++) a[r, k] -= f * a[col, k];
                b[r] -= f * b[col];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double v = b[r];
            for (int k = r + 1; k < n; k++) v -= a[r, k] * x[k];
            x[r] = v / a[r, r];
        }
        return x;
    }

    /// <summary>The inverse of a small matrix, column by column; null when singular.</summary>
    public static double[,]? Invert(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var inverse = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            var column = Solve(matrix, Enumerable.Range(0, n).Select(i => i == j ? 1.0 : 0).ToArray());
            if (column is null) return null;
            for (int i = 0; i < n; i++) inverse[i, j] = column[i];
        }
        return inverse;
    }

    /// <summary>The dot product of two vectors of equal length.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
