// A holder's wallet played by Sphereon's OpenID for VCI client (@sphereon/oid4vci-client), against the live server.
// Usage: node wallet.mjs <openid-credential-offer://… link> <output.json> [nonce-endpoint]
// It reads the offer by reference, the issuer's and the authorisation server's metadata, exchanges the
// pre-authorised code for an access token and c_nonce, makes an Ed25519 did:key, proves it with a jwt proof
// (typ openid4vci-proof+jwt, alg EdDSA, kid = the did:key) and receives the credential in ldp_vc form. With
// "nonce-endpoint", the proof carries a c_nonce the client asks the issuer's Nonce Endpoint for (OID4VCI 1.0)
// instead of the token response's.
// Writes {"did", "credential", "metadata", "tokenType", "nonce", "tokenNonce", "error"} as JSON; exit 0 when a
// credential came back.
import {writeFileSync} from 'node:fs';
import {OpenID4VCIClientV1_0_15} from '@sphereon/oid4vci-client';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const [, , offerLink, outPath, nonceMode] = process.argv;
const b64url = (data) => Buffer.from(data).toString('base64url');

async function main() {
  // The wallet's own key and DID (did:key of an Ed25519 key, its fragment repeating the key).
  const keyPair = await Ed25519Multikey.generate();
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  const kid = `${did}#${keyPair.publicKeyMultibase}`;
  const signer = keyPair.signer();

  const client = await OpenID4VCIClientV1_0_15.fromURI({uri: offerLink, kid, alg: 'EdDSA', retrieveServerMetadata: true});
  const metadata = client.endpointMetadata;
  const token = await client.acquireAccessToken();
  // the client signs with the last c_nonce it received: the token's, or the nonce endpoint's when asked for
  const nonce = nonceMode === 'nonce-endpoint' ? await client.acquireNonce() : token.c_nonce;
  const signCallback = async (jwt) => {
    const header = {...jwt.header, alg: 'EdDSA', kid};
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(jwt.payload))}`;
    return `${input}.${b64url(await signer.sign({data: new TextEncoder().encode(input)}))}`;
  };
  const response = await client.acquireCredentials({
    credentialConfigurationId: client.getCredentialOfferConfigurationIds()[0],
    format: 'ldp_vc', kid, alg: 'EdDSA', proofCallbacks: {signCallback},
  });
  const credential = response.credentials?.[0]?.credential ?? response.credential;
  return {did, credential, tokenType: token.token_type, nonce, tokenNonce: token.c_nonce, metadata: {
    credential_issuer: metadata.credential_issuer, token_endpoint: metadata.token_endpoint,
    credential_endpoint: metadata.credential_endpoint,
    nonce_endpoint: metadata.credentialIssuerMetadata?.nonce_endpoint}};
}

main().then((result) => {
  writeFileSync(outPath, JSON.stringify(result));
  process.exit(result.credential ? 0 : 1);
}).catch((error) => {
  writeFileSync(outPath, JSON.stringify({error: String(error?.stack || error)}));
  process.exit(1);
});
