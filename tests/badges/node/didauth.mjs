// The Learner Credential Wallet's side of the W3C CCG VC-API exchange, played with Digital Bazaar's libraries
// against the live server: POST {} to the exchange, read the VerifiablePresentationRequest (DIDAuthentication,
// challenge, domain, service), sign a DID authentication presentation with a fresh Ed25519 did:key
// (@digitalbazaar/vc, DataIntegrityProof eddsa-rdfc-2022, proofPurpose authentication), POST it to the service and
// receive the presentation holding the credential.
// usage: node didauth.mjs <LCW link https://lcw.app/request.html?request=…> INPUT.json OUTPUT.json
// INPUT = {"contexts": {"<url>": "<path of the bundled file>"}, "suite": "eddsa-rdfc-2022" | "Ed25519Signature2020"}
// (offline: nothing else is loaded). Ed25519Signature2020: a VC 1.1 presentation signed by an
// Ed25519VerificationKey2020 (@digitalbazaar/ed25519-signature-2020), as the Learner Credential Wallet signs.
// Writes {"did", "request", "presentation", "error"}; exit 0 when a presentation came back.
import {readFileSync, writeFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import {offlineLoader} from './offline_loader.mjs';

const [, , link, inputPath, outPath] = process.argv;
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const documentLoader = offlineLoader(input);

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
  let did, suite, presentation;
  if(input.suite === 'Ed25519Signature2020') {
    const keyPair = await Ed25519VerificationKey2020.generate();
    did = `did:key:${keyPair.fingerprint()}`;
    keyPair.controller = did;
    keyPair.id = `${did}#${keyPair.fingerprint()}`;
    suite = new Ed25519Signature2020({key: keyPair});
    presentation = vc.createPresentation({holder: did, version: 1.0});
  } else {
    const keyPair = await Ed25519Multikey.generate();
    did = `did:key:${keyPair.publicKeyMultibase}`;
    keyPair.controller = did;
    keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
    suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: eddsaRdfc2022CryptoSuite});
    presentation = vc.createPresentation({holder: did, version: 2.0});
  }
  const signed = await vc.signPresentation({presentation, suite, challenge: vpr.challenge, domain: vpr.domain,
    documentLoader});
  const service = vpr.interact.service.find(s => s.type === 'UnmediatedPresentationService2021');
  const answer = await postJson(service.serviceEndpoint, {verifiablePresentation: signed});
  return {did, request, sent: signed, presentation: answer.verifiablePresentation};
}

main().then((result) => {
  writeFileSync(outPath, JSON.stringify(result));
  process.exit(result.presentation ? 0 : 1);
}).catch((error) => {
  writeFileSync(outPath, JSON.stringify({error: String(error?.stack || error)}));
  process.exit(1);
});
