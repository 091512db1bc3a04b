// The JavaScript reference of bench/badges_verify.py: Digital Bazaar's verifier (the one of
// tests/badges/node/verify.mjs: signature, key authority and Bitstring Status List, offline), timed in one process.
//
// usage: node badges_verify_node.mjs INPUT.json   (run from the directory holding its node_modules)
// INPUT = {"credentials": [...], "repeat": N, "contexts": {...}, "documents": {...}} as for verify.mjs
// Prints one JSON line: {"first": [ms of each credential's first verification], "repeated": [ms of N
// verifications of credentials[0]], "valid": all verified}.
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {offlineLoader} from './offline_loader.mjs';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const documentLoader = offlineLoader(input);

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
let valid = true;
async function once(credential) {
  const start = performance.now();
  // Each verification parses its bytes, as the platform's does.
  const result = await vc.verifyCredential({credential: JSON.parse(credential), suite, documentLoader, checkStatus});
  const ms = performance.now() - start;
  valid = valid && result.verified === true;
  return ms;
}
const texts = input.credentials.map(c => JSON.stringify(c));
await once(texts[texts.length - 1]);  // warm-up (the JIT, the contexts' first processing), not counted
const first = [];
for(const text of texts.slice(0, -1)) {
  first.push(await once(text));
}
const repeated = [];
for(let i = 0; i < input.repeat; i++) {
  repeated.push(await once(texts[0]));
}
console.log(JSON.stringify({first, repeated, valid}));
