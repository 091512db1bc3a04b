// The Learner Credential Wallet's side of the W3C CCG VC-API exchange, played with Digital Bazaar's libraries
// against the live server: POST {} to the exchange, read the VerifiablePresentationRequest (DIDAuthentication,
// challenge, domain, service), sign a DID authentication presentation with a fresh Ed25519 did:key
// (@digitalbazaar/vc, DataIntegrityProof eddsa-rdfc-2022, proofPurpose authentication), POST it to the service and
// receive the presentation holding the credential.
// usage: node didauth.mjs <LCW link https://lcw.app/request.html?request=…> INPUT.json OUTPUT.json
// INPUT = {"contexts": {"<url>": "<path of the bundled file>"}} (offline: nothing else is loaded)
// Writes {"did", "request", "presentation", "error"}; exit 0 when a presentation came back.
import {readFileSync, writeFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [, , link, inputPath, outPath] = process.argv;
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const contexts = Object.fromEntries(
  Object.entries(input.contexts).map(([url, path]) => [url, JSON.parse(readFileSync(path, 'utf8'))]));
async function documentLoader(url) {
  if(contexts[url]) {
    return {contextUrl: null, documentUrl: url, document: contexts[url]};
  }
  throw new Error(`document not available offline: ${url}`);
}

async function postJson(url, body) {
  const response = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body)});
  const data = await response.json();
  if(!response.ok) {
    throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(data)}`);
  }
  return data;
}

async function main() {
  const request = JSON.parse(new URL(link).searchParams.get('request'));
  const {verifiablePresentationRequest: vpr} = await postJson(request.protocols.vcapi, {});
  if(!vpr.query.some(q => q.type === 'DIDAuthentication')) {
    throw new Error('the exchange asks for no DID authentication');
  }
  const keyPair = await Ed25519Multikey.generate();
  const did = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = did;
  keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
  const presentation = vc.createPresentation({holder: did, version: 2.0});
  const signed = await vc.signPresentation({presentation, suite, challenge: vpr.challenge, domain: vpr.domain,
    documentLoader});
  const service = vpr.interact.service.find(s => s.type === 'UnmediatedPresentationService2021');
  const answer = await postJson(service.serviceEndpoint, {verifiablePresentation: signed});
  return {did, request, presentation: answer.verifiablePresentation};
}

main().then((result) => {
  writeFileSync(outPath, JSON.stringify(result));
  process.exit(result.presentation ? 0 : 1);
}).catch((error) => {
  writeFileSync(outPath, JSON.stringify({error: String(error?.stack || error)}));
  process.exit(1);
});
