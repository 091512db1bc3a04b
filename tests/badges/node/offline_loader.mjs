// The document loader of the Node scripts (verify.mjs, didauth.mjs, bench/badges_verify_node.mjs), offline: it serves
// only the bundled contexts and the documents passed in (a DID document, a status list credential), and a DID URL's
// verification method from its DID document; anything else is an error (no network).
// INPUT = {"contexts": {"<url>": "<path of the bundled file>"}, "documents": {"<did or url>": {...}}}
import {readFileSync} from 'node:fs';

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

export function offlineLoader(input) {
  const contexts = Object.fromEntries(
    Object.entries(input.contexts || {}).map(([url, path]) => [url, JSON.parse(readFileSync(path, 'utf8'))]));
  const documents = input.documents || {};
  return async function documentLoader(url) {
    if(contexts[url]) {
      return {contextUrl: null, documentUrl: url, document: contexts[url]};
    }
    if(documents[url]) {
      return {contextUrl: null, documentUrl: url, document: documents[url]};
    }
    if(url.startsWith('did:')) {
      const [did, fragment] = url.split('#');
      const vm = ((documents[did] || {}).verificationMethod || []).find(m => m.id === url);
      if(vm && fragment) {
        return {contextUrl: null, documentUrl: url, document: {'@context': MULTIKEY_V1, ...vm}};
      }
    }
    throw new Error(`document not available offline: ${url}`);
  };
}
