using System.Diagnostics;
using System.Globalization;
using CityEye.Crypto;

// One thread, like `openssl speed` without -multi: SM2 sign and verify per second (a 32-byte message, default ID),
// SM3 and SM4 (GCM, and CBC + HMAC-SM3 as the node stores data) in MB/s over 16 KiB blocks. Each figure is the median
// of --runs runs of --seconds seconds. Output: one "name value unit" line per figure, for bench/crypto.sh.
var runs = 3;
var seconds = 2.0;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
    }
}

var pair = Sm2.GenerateKeyPair();
var message = new byte[32];
Random.Shared.NextBytes(message);
var signature = Sm2.Sign(pair.PrivateKey, message);
var block = new byte[16 * 1024];
Random.Shared.NextBytes(block);
var sm4Key = new byte[16];
var sealKey = new byte[32];
Random.Shared.NextBytes(sm4Key);
Random.Shared.NextBytes(sealKey);

// Operations per second of one call, median of the runs.
double Rate(Action operation)
{
    operation(); // warm up (JIT)
    var rates = new List<double>();
    for (var r = 0; r < runs; r++)
    {
        var count = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            operation();
            count++;
        }

        rates.Add(count / watch.Elapsed.TotalSeconds);
    }

    rates.Sort();
    return rates[rates.Count / 2];
}

double MegabytesPerSecond(Action operation) => Rate(operation) * block.Length / 1_000_000.0;

void Print(string name, double value, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.0} {unit}"));

Print("sm2-sign", Rate(() => Sm2.Sign(pair.PrivateKey, message)), "ops/s");
Print("sm2-verify", Rate(() => Sm2.Verify(pair.PublicKey, message, signature)), "ops/s");
Print("sm3", MegabytesPerSecond(() => Sm3Hash.Compute(block)), "MB/s");
Print("hmac-sm3", MegabytesPerSecond(() => Sm3Hash.Hmac(sealKey, block)), "MB/s");
Print("sm4-gcm", MegabytesPerSecond(() => Sm4Cipher.GcmEncrypt(sm4Key, block)), "MB/s");
Print("sm4-cbc+hmac-sm3", MegabytesPerSecond(() => Sm4Cipher.Seal(sealKey, block)), "MB/s");
