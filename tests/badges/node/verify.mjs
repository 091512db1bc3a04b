// Independent verification of a platform-issued credential with Digital Bazaar's libraries, offline.
//
// usage: node verify.mjs INPUT.json
// INPUT = {"credential": {...}, "contexts": {"<url>": "<path of the bundled file>"},
//          "documents": {"<did or url>": {...}}}   (the DID document, the status list credential)
// Prints one JSON line: {verified, signature, statusChecked, revoked, errors} and exits 0 when the
// credential verifies AND its revocation bit is explicitly clear.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {offlineLoader} from './offline_loader.mjs';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const documentLoader = offlineLoader(input);

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const out = {verified: false, signature: false, statusChecked: false, revoked: null, errors: []};
try {
  const result = await vc.verifyCredential({
    credential: input.credential, suite, documentLoader, checkStatus,
    now: input.now ? new Date(input.now) : undefined,
  });
  out.signature = Boolean(result.results && result.results.every(r => r.verified));
  if(result.statusResult) {
    out.statusChecked = result.statusResult.verified === true;
    const entry = (result.statusResult.results || [])[0];
    if(entry) {
      out.revoked = entry.status === true;
    } else if(typeof result.statusResult.status === 'boolean') {
      out.revoked = result.statusResult.status;
    }
  }
  out.verified = result.verified === true && out.statusChecked && out.revoked === false;
  if(result.error) {
    const errs = result.error.errors || [result.error];
    out.errors = errs.map(e => String(e && e.message || e));
  }
} catch(e) {
  out.errors.push(String(e && e.message || e));
}
console.log(JSON.stringify(out));
process.exit(out.verified ? 0 : 1);
