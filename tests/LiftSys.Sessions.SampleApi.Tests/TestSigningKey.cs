using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace LiftSys.Sessions.SampleApi.Tests;

/// <summary>
/// An asymmetric signing key like those Supabase's signing-keys system issues (RS256 or ES256 on P-256): the private
/// half signs test tokens, the public half is published as a JSON Web Key.
/// </summary>
public sealed class TestSigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm algorithm;

    private TestSigningKey(AsymmetricAlgorithm algorithm, SecurityKey key, string signingAlgorithm, JsonObject publicJwk)
    {
        this.algorithm = algorithm;
        Credentials = new SigningCredentials(key, signingAlgorithm);
        PublicJwk = publicJwk;
    }

    /// <summary>Gets the credentials that sign with the private key; the token's header names the key id.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>Gets the public key as a JSON Web Key, as a JWKS endpoint lists it.</summary>
    public JsonObject PublicJwk { get; }

    public static TestSigningKey Rsa()
    {
        var rsa = RSA.Create(2048);
        var kid = Guid.NewGuid().ToString("N");
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = SecurityAlgorithms.RsaSha256,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        return new TestSigningKey(rsa, new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256, jwk);
    }

    public static TestSigningKey EcdsaP256()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Guid.NewGuid().ToString("N");
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = SecurityAlgorithms.EcdsaSha256,
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return new TestSigningKey(ecdsa, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, jwk);
    }

    public void Dispose() => algorithm.Dispose();
}
