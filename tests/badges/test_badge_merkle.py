"""badges/merkle.py (RFC 9162) against the RFC 6962/9162 test vectors and against pymerkle, an independent
implementation (its own tree, roots and inclusion paths), and the proofs' refusals of tampered input."""
import json
from pathlib import Path

import pytest
from pymerkle import InmemoryTree

from badges import merkle

V = json.loads((Path(__file__).parent / "vectors" / "rfc6962" / "merkle.json").read_text())
LEAVES = [bytes.fromhex(x) for x in V["leaves"]]
ROOTS = [bytes.fromhex(x) for x in V["roots"]]


class Store:
    """Perfect subtree hashes kept as a log store keeps them (appended one leaf at a time)."""

    def __init__(self):
        self.nodes, self.size, self.reads = {}, 0, 0

    def perfect(self, level, index):
        self.reads += 1
        return self.nodes[(level, index)]

    def append(self, entry: bytes):
        for level, index, h in merkle.perfect_nodes_after_append(self.size, merkle.leaf_hash(entry), self.perfect):
            self.nodes[(level, index)] = h
        self.size += 1


def store_of(entries):
    s = Store()
    for e in entries:
        s.append(e)
    return s


def test_empty_tree_and_hash_prefixes():
    assert merkle.root_of_leaves([]) == bytes.fromhex(V["empty_root"]) == merkle.EMPTY_ROOT
    assert merkle.root(0, Store().perfect) == merkle.EMPTY_ROOT
    assert merkle.leaf_hash(b"") == bytes.fromhex(V["roots"][0])  # SHA-256(0x00)


def test_roots_of_every_prefix_match_the_vectors():
    s = Store()
    for n, entry in enumerate(LEAVES, 1):
        s.append(entry)
        assert merkle.root(n, s.perfect) == ROOTS[n - 1]
        assert merkle.root_of_leaves([merkle.leaf_hash(e) for e in LEAVES[:n]]) == ROOTS[n - 1]


@pytest.mark.parametrize("vec", V["inclusion"], ids=lambda v: f"{v['leaf']}-{v['size']}")
def test_inclusion_vectors(vec):
    index, size = vec["leaf"] - 1, vec["size"]
    proof = [bytes.fromhex(x) for x in vec["proof"]]
    s = store_of(LEAVES[:size])
    assert merkle.inclusion_path(index, size, s.perfect) == proof
    merkle.verify_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), proof, ROOTS[size - 1])


@pytest.mark.parametrize("vec", V["consistency"], ids=lambda v: f"{v['size1']}-{v['size2']}")
def test_consistency_vectors(vec):
    m, n = vec["size1"], vec["size2"]
    proof = [bytes.fromhex(x) for x in vec["proof"]]
    s = store_of(LEAVES[:n])
    assert merkle.consistency_proof(m, n, s.perfect) == proof
    merkle.verify_consistency(m, n, ROOTS[m - 1], ROOTS[n - 1], proof)


def _inclusion_probes(index, size, leaf, proof, root):
    """Corruptions that must all be refused (the probes of transparency-dev/merkle's verifier tests)."""
    yield index - 1, size, leaf, proof, root
    yield index + 1, size, leaf, proof, root
    yield index ^ 2, size, leaf, proof, root
    yield index, size * 2, leaf, proof, root
    yield index, size // 2, leaf, proof, root
    yield index, size, b"WrongLeaf", proof, root
    yield index, size, leaf, proof, merkle.EMPTY_ROOT
    yield index, size, leaf, proof + [b""], root
    yield index, size, leaf, proof + [root], root
    yield index, size, leaf, [root] + proof, root
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        yield index, size, leaf, bad, root
    if proof:
        yield index, size, leaf, proof[:-1], root
    if len(proof) > 1:
        yield index, size, leaf, [proof[0], merkle.EMPTY_ROOT] + proof[1:], root


@pytest.mark.parametrize("vec", V["inclusion"][1:], ids=lambda v: f"{v['leaf']}-{v['size']}")
def test_inclusion_refuses_corruptions(vec):
    index, size = vec["leaf"] - 1, vec["size"]
    proof = [bytes.fromhex(x) for x in vec["proof"]]
    leaf = merkle.leaf_hash(LEAVES[index])
    refused = 0
    for probe in _inclusion_probes(index, size, leaf, proof, ROOTS[size - 1]):
        if probe[:2] == (index, size) and probe[2:] == (leaf, proof, ROOTS[size - 1]):
            continue
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*probe)
        refused += 1
    assert refused >= 10


@pytest.mark.parametrize("vec", [v for v in V["consistency"] if v["proof"]], ids=lambda v: f"{v['size1']}-{v['size2']}")
def test_consistency_refuses_corruptions(vec):
    m, n = vec["size1"], vec["size2"]
    proof = [bytes.fromhex(x) for x in vec["proof"]]
    r1, r2 = ROOTS[m - 1], ROOTS[n - 1]
    probes = [(m - 1, n, r1, r2, proof), (m + 1, n, r1, r2, proof), (m ^ 2, n, r1, r2, proof),
              (m, n * 2, r1, r2, proof), (m, n // 2, r1, r2, proof), (m, n, r2, r1, proof),
              (m, n, merkle.EMPTY_ROOT, r2, proof), (m, n, r1, merkle.EMPTY_ROOT, proof), (m, n, r1, r2, []),
              (m, n, r1, r2, proof + [r1]), (m, n, r1, r2, proof + [r2]), (m, n, r1, r2, [r1] + proof),
              (m, n, r1, r2, [proof[0]] + proof), (m, n, r1, r2, proof[:-1])]
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
        probes.append((m, n, r1, r2, bad))
    for probe in probes:
        if probe[0] == m - 1 == 0:  # size 0 is consistent with anything
            continue
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*probe)


def test_degenerate_consistency_and_bad_arguments():
    merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, ROOTS[4], [])
    merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(4, 3, ROOTS[3], ROOTS[2], [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(0, 0, ROOTS[0], [], ROOTS[0])
    s = store_of(LEAVES)
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_path(8, 8, s.perfect)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_proof(5, 4, s.perfect)


def test_against_pymerkle_every_size_and_pair():
    """An independent RFC 9162 implementation (pymerkle, its own tree): the same roots for every size up to 70,
    our inclusion paths equal its paths (less the leaf it puts first), and our proofs verify against its roots."""
    entries = [f"credential {i}".encode() for i in range(70)]
    theirs = InmemoryTree(algorithm="sha256")
    ours = Store()
    for e in entries:
        theirs.append_entry(e)
        ours.append(e)
    for n in range(1, 71):
        their_root = theirs.get_root(n)
        assert merkle.root(n, ours.perfect) == their_root
        for i in range(n):
            path = merkle.inclusion_path(i, n, ours.perfect)
            their_path = theirs.prove_inclusion(i + 1, n).path  # 1-based; its path starts with the leaf
            assert their_path[0] == merkle.leaf_hash(entries[i])
            assert path == their_path[1:]
            merkle.verify_inclusion(i, n, merkle.leaf_hash(entries[i]), path, their_root)
        for m in range(0, n + 1):
            proof = merkle.consistency_proof(m, n, ours.perfect)
            first = theirs.get_root(m) if m else merkle.EMPTY_ROOT
            merkle.verify_consistency(m, n, first, their_root, proof)


def test_stored_nodes_read_logarithmically():
    s = store_of([str(i).encode() for i in range(10_000)])
    for fn, args in ((merkle.root, (10_000,)), (merkle.inclusion_path, (4321, 10_000)),
                     (merkle.consistency_proof, (7_777, 10_000))):
        nodes = merkle.needed_nodes(fn, *args)
        assert len(nodes) <= 2 * 14, (fn.__name__, len(nodes))
        lookup = {k: s.nodes[k] for k in nodes}
        fn(*args, lambda level, index: lookup[(level, index)])  # everything it reads was announced
    assert merkle.root(10_000, s.perfect) == merkle.root_of_leaves(
        [merkle.leaf_hash(str(i).encode()) for i in range(10_000)])


def test_inclusion_candidates_cover_every_path_before_the_index_is_known():
    """Every stored hash an inclusion path reads is a sibling of the leaf's ancestors (at a level of ``levels``) or
    one of the tree's right-edge subtrees: the resolver reads them with the entry, before it knows its index."""
    s = store_of([str(i).encode() for i in range(300)])
    for n in list(range(1, 130)) + [255, 256, 257, 300]:
        levels, edge = merkle.inclusion_candidates(n)
        assert len(edge) == bin(n).count("1") and all(s.nodes.get(k) for k in edge)  # complete, stored subtrees
        for i in range(n):
            candidates = {(lv, (i >> lv) ^ 1) for lv in levels} | set(edge)
            needed = merkle.needed_nodes(merkle.inclusion_path, i, n)
            assert set(needed) <= candidates, (n, i, set(needed) - candidates)
            lookup = {k: s.nodes[k] for k in candidates if k in s.nodes}  # what a database would find
            assert merkle.inclusion_path(i, n, lambda lv, ix: lookup[(lv, ix)]) == merkle.inclusion_path(
                i, n, s.perfect)
    assert merkle.inclusion_candidates(1) == (range(0), [(0, 0)])
