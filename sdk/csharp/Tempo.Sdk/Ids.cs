using System.Security.Cryptography;

namespace Tempo.Sdk;

/// <summary>Ids in Tempo's form: prefix, base-36 milliseconds, then random letters and digits, 32 characters in all.</summary>
public static class Ids
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int Length = 32;

    /// <summary>A new id with <paramref name="prefix"/> (without its underscore).</summary>
    public static string New(string prefix)
    {
        var head = $"{prefix}_{ToBase36(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())}_";
        var randomCount = Math.Max(4, Length - head.Length);
        var random = new char[randomCount];
        for (var i = 0; i < randomCount; i++) random[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return (head + new string(random))[..Math.Max(Length, head.Length + 4)];
    }

    private static string ToBase36(long value)
    {
        if (value == 0) return "0";
        var chars = new Stack<char>();
        while (value > 0)
        {
            chars.Push(Alphabet[(int)(value % 36) is var digit && digit < 10 ? 26 + digit : digit - 10]);
            value /= 36;
        }
        return new string([.. chars]);
    }
}
