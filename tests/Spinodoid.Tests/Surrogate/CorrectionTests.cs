using Spinodoid.Surrogate;

namespace Spinodoid.Tests.Surrogate;

public sealed class CorrectionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-correction-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Counts of side 64 with solid slabs 4 cells thick every 8 cells across x: channels along y and z.</summary>
    private static byte[] Slabs(int side)
    {
        var counts = new byte[side * side * side];
        for (int z = 0; z < side; z++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    counts[(z * side + y) * side + x] = x % 8 < 4 ? (byte)8 : (byte)0;
        return counts;
    }

    [Fact]
    public void CoarseTransportOfStraightChannelsIsTheirOpenFraction()
    {
        // An open box conducts fully on both grids; slabs across x block x and leave parallel channels along y and z, whose
        // η is their open area fraction, ½, exactly (the interface lies on cell faces on both grids).
        var open = CoarseTransport.Solve(new byte[16 * 16 * 16], 16);
        Assert.All(open, eta => Assert.Equal(1, eta, 6));
        var slabs = CoarseTransport.Solve(Slabs(32), 32);
        Assert.Equal([0, 0.5, 0.5, 0, 0.5, 0.5], slabs.Select(v => Math.Round(v, 4)));
        Assert.Contains("even side", Assert.Throws<ArgumentException>(() => CoarseTransport.Solve(new byte[27], 3)).Message);
    }

    /// <summary>Structures whose logit labels are an exact quadratic in the four variables of each direction.</summary>
    private static List<CorrectionSample> QuadraticLaw(int count, int seed)
    {
        var random = new Random(seed);
        double Logit(double p) => Math.Log(p / (1 - p));
        var samples = new List<CorrectionSample>();
        for (int s = 0; s < count; s++)
        {
            double porosity = 0.3 + 0.5 * random.NextDouble();
            double[] cnn = [.. Enumerable.Range(0, 3).Select(_ => 0.05 + 0.8 * random.NextDouble())];
            double[] coarse = [.. Enumerable.Range(0, 6).Select(_ => 0.02 + 0.9 * random.NextDouble())];
            var label = Enumerable.Range(0, 3).Select(d =>
            {
                double a = Logit(cnn[d]), b = Logit(coarse[d]), c = Logit(coarse[3 + d]), e = porosity;
                return SurrogateScaling.InverseLogit(0.1 + 0.6 * a + 0.5 * b - 0.2 * c + 0.3 * e - 0.4 * e * e + 0.2 * e * b + 0.05 * a * c - 0.03 * b * b);
            }).ToArray();
            samples.Add(new CorrectionSample(cnn, coarse, porosity, label));
        }
        return samples;
    }

    [Fact]
    public void AFitOfTheLawsDegreeReproducesItAndALowerDegreeCannot()
    {
        var train = QuadraticLaw(80, 3);
        // Fresh structures, kept inside the fitted range (outside it the network's value is kept, by design).
        var quadratic = SurrogateCorrection.Fit(train, degree: 2, networkDigest: "abc");
        var linear = SurrogateCorrection.Fit(train, degree: 1);
        Assert.Equal(15, quadratic.Weights.Length);
        Assert.Equal(5, linear.Weights.Length);
        Assert.Equal(80, quadratic.FittedOn);
        double worstQuadratic = 0, worstLinear = 0;
        int inside = 0;
        foreach (var s in QuadraticLaw(40, 4))
        {
            var q = quadratic.Apply(s.Cnn, s.Coarse, s.Porosity);
            var l = linear.Apply(s.Cnn, s.Coarse, s.Porosity);
            for (int d = 0; d < 3; d++)
            {
                if (q[d] == s.Cnn[d]) continue; // outside the box the fit saw
                inside++;
                worstQuadratic = Math.Max(worstQuadratic, Math.Abs(q[d] - s.Label[d]));
                worstLinear = Math.Max(worstLinear, Math.Abs(l[d] - s.Label[d]));
            }
        }
        Assert.True(inside > 60, $"only {inside} of 120 fresh directions fell inside the fitted range");
        Assert.True(worstQuadratic < 1e-9, $"the degree-2 fit misses an exact quadratic law by {worstQuadratic:E2}");
        Assert.True(worstLinear > 1e-3, $"a linear fit reproduces a quadratic law to {worstLinear:E2}: the test cannot tell degrees apart");

        // A direction cut off on a coarse grid, or outside the fitted range, keeps the network's value.
        var applied = quadratic.Apply([0.3, 0.4, 0.5], [0.2, 0.0, 0.3, 0.1, 0.2, 0.3], 0.5);
        Assert.NotEqual(0.3, applied[0]);
        Assert.Equal(0.4, applied[1]);
        Assert.Equal(0.5, quadratic.Apply([0.3, 0.4, 0.5], [0.2, 0.3, 0.3, 0.1, 0.2, 0.3], 0.95)[2]);
        Assert.Contains("needs at least 30", Assert.Throws<ArgumentException>(() => SurrogateCorrection.Fit(train.Take(20).ToList(), degree: 2)).Message);
        Assert.Contains("degree 7", Assert.Throws<ArgumentException>(() => SurrogateCorrection.Fit(train, degree: 7)).Message);

        // Saved and loaded whole; refused for another network's weights.
        quadratic.Save(_root);
        var loaded = SurrogateCorrection.Load(_root, "abc")!;
        Assert.Equal(quadratic.Weights, loaded.Weights);
        Assert.Equal(quadratic.Apply([0.3, 0.4, 0.5], [0.2, 0.3, 0.3, 0.1, 0.2, 0.3], 0.5), loaded.Apply([0.3, 0.4, 0.5], [0.2, 0.3, 0.3, 0.1, 0.2, 0.3], 0.5));
        Assert.Contains("fitted to the network with weights sha256:abc", Assert.Throws<InvalidDataException>(() => SurrogateCorrection.Load(_root, "def")).Message);
        Assert.Null(SurrogateCorrection.Load(Path.Combine(_root, "nowhere")));
    }

    [Fact]
    public void ACorrectionIsSavedWithItsNetworkAndDroppedWhenTheWeightsAreReplaced()
    {
        var architecture = new SurrogateArchitecture("tiny", 12, [8, 8], [16], 3, ConvolutionPadding.Same);
        var correction = SurrogateCorrection.Fit(QuadraticLaw(40, 5), degree: 1);
        string dir = Path.Combine(_root, "model");
        using (var model = new SurrogateModel(new DiffusivityNetwork(architecture, 1), 24) { Correction = correction })
            model.Save(dir);
        using (var loaded = SurrogateModel.Load(dir))
        {
            Assert.Equal(correction.Weights, loaded.Correction!.Weights);
            Assert.Equal(loaded.WeightsDigest, loaded.Correction.NetworkDigest);
            // The corrected prediction is the correction applied to the network's own, with the input's coarse η.
            var input = new byte[12 * 12 * 12];
            for (int i = 0; i < input.Length; i++) input[i] = (byte)(i % 7 == 0 ? 8 : i % 5);
            var network = loaded.PredictNetwork([input])[0];
            // Inside or outside the fitted range, Predict gives what Apply does with the network's η and the coarse η.
            var expected = correction.Apply([network.X, network.Y, network.Z], CoarseTransport.Solve(input, 12), SurrogateModel.CountsPorosity(input));
            var corrected = loaded.Predict([input])[0];
            Assert.Equal(expected, new[] { corrected.X, corrected.Y, corrected.Z });
        }
        // New weights saved into the folder (another training run) leave no correction behind.
        using (var other = new SurrogateModel(new DiffusivityNetwork(architecture, 2), 24)) other.Save(dir);
        using var reloaded = SurrogateModel.Load(dir);
        Assert.Null(reloaded.Correction);
        Assert.False(File.Exists(Path.Combine(dir, SurrogateCorrection.FileName)));
    }

    [Fact]
    public void TheDatasetsCoarseTableIsSolvedOnceSharedByEveryNetworkAndRefusedForAnotherDataset()
    {
        string data = Path.Combine(_root, "data");
        Spinodoid.Datasets.DatasetGenerator.Generate(new Spinodoid.Datasets.DatasetRequest(new Spinodoid.Datasets.DatasetProfile("tiny", 24, 8, 4, 4), 3, data));
        using var samples = SurrogateSamples.Open(data, "test");
        var inputs = Enumerable.Range(0, samples.Count).Select(i => { var b = new byte[samples.Volume]; samples.ReadInput(i, b); return b; }).ToList();
        var indices = samples.Rows.Select(r => r.Index).ToList();
        var direct = CoarseTransport.Solve(inputs, samples.Side);

        // Solved once, written with the labels, read back bit for bit; a cut last line is dropped and solved again.
        var table = CoarseFeatureTable.Open(data, samples.Side);
        Assert.Equal(direct, table.Get(indices, inputs, samples.Side));
        string path = CoarseFeatureTable.PathOf(data, samples.Side);
        var lines = File.ReadAllLines(path);
        Assert.Equal(samples.Count + 1, lines.Length);
        File.WriteAllText(path, string.Join("\n", lines[..^1]) + "\n" + lines[^1][..^4]);
        var reopened = CoarseFeatureTable.Open(data, samples.Side);
        Assert.Equal(samples.Count - 1, reopened.Count);
        Assert.Equal(direct, reopened.Get(indices, inputs, samples.Side));
        Assert.Equal(lines, File.ReadAllLines(path));

        // What a second network's fit or evaluation reads is the table, not a new solve: a value changed in the file
        // comes back changed.
        var edited = File.ReadAllLines(path);
        var cells = edited[1].Split(',');
        cells[4] = "0.123456789";
        edited[1] = string.Join(",", cells);
        File.WriteAllLines(path, edited);
        int index = int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0.123456789, CoarseFeatureTable.Open(data, samples.Side).Find(index)![0]);
        // The evaluation of a corrected network with the table is the model's own corrected prediction (which solves).
        var architecture = new SurrogateArchitecture("tiny", 12, [8, 8], [16], 3, ConvolutionPadding.Same);
        File.WriteAllLines(path, lines);
        using var model = new SurrogateModel(new DiffusivityNetwork(architecture, 3), 24) { Correction = SurrogateCorrection.Fit(QuadraticLaw(40, 5), degree: 1) };
        var evaluation = SurrogateTrainer.Evaluate(model.Network, samples, correction: model.Correction,
            coarseFeatures: CoarseFeatureTable.Open(data, samples.Side));
        var predicted = model.Predict(inputs);
        for (int i = 0; i < samples.Count; i++)
            Assert.Equal(new[] { predicted[i].X, predicted[i].Y, predicted[i].Z }, evaluation.Predicted[i]);

        // A garbled line in the middle (two writers, a crash) is dropped, and its structure solved again; Windows line ends
        // and a header without its newline are read as they were meant.
        var garbled = File.ReadAllLines(path);
        garbled[2] = garbled[2][..10] + garbled[3];
        File.WriteAllText(path, string.Join("\r\n", garbled) + "\r\n");
        var repaired = CoarseFeatureTable.Open(data, samples.Side);
        Assert.Equal(samples.Count - 1, repaired.Count);
        Assert.Equal(direct, repaired.Get(indices, inputs, samples.Side));
        File.WriteAllText(path, CoarseFeatureTable.Header);
        Assert.Equal(direct, CoarseFeatureTable.Open(data, samples.Side).Get(indices, inputs, samples.Side));
        Assert.Equal(samples.Count, CoarseFeatureTable.Open(data, samples.Side).Count);
        File.WriteAllLines(path, lines);

        // Labels that are not the dataset's: another dataset's table, refused naming the file.
        var foreign = File.ReadAllLines(path);
        var first = foreign[1].Split(',');
        first[1] = "0.5";
        foreign[1] = string.Join(",", first);
        File.WriteAllLines(path, foreign);
        var error = Assert.Throws<InvalidDataException>(() => CoarseFeatureTable.Open(data, samples.Side));
        Assert.Contains("another dataset", error.Message);
    }
}
