"""A hand-written miniature of the iSTS-2016 release layout, with invented sentences.

Pair 1: one-to-one links of four types (SPE1_FACT keeps its modifier), a NOALI full stop.
Pair 2: one line joins two chunks of sentence 1 (``1 3 <==> 1``: a many-to-one group), a NOALI
        chunk, an SPE2 link.
Pair 3: chunk ``prices`` of sentence 1 is aligned to two chunks of sentence 2 by two lines (1:N),
        an OPPO and an SPE1 link from one chunk, two NOALI chunks of sentence 2.

Gold links in alignbench terms (claim ids without the ``headlines-train-000N-`` prefix):
  1: s1-c01~s2-c01 related (SIMI 3), s1-c02~s2-c02 equivalent, s1-c03~s2-c03 a_more_specific
  2: s1-c01~s2-c01 related (REL, group g01), s1-c03~s2-c01 related (REL, group g01),
     s1-c04~s2-c02 equivalent, s1-c05~s2-c03 b_more_specific
  3: s1-c01~s2-c01 equivalent, s1-c01~s2-c05 equivalent, s1-c02~s2-c02 contradiction,
     s1-c02~s2-c06 a_more_specific
"""

from __future__ import annotations

from pathlib import Path

WA = """<sentence id="1" status="">
// the red fox jumps over a lazy dog .
// a brown fox leaps over the dog
<source>
1 the :
2 red :
3 fox :
4 jumps :
5 over :
6 a :
7 lazy :
8 dog :
9 . :
</source>
<translation>
1 a :
2 brown :
3 fox :
4 leaps :
5 over :
6 the :
7 dog :
</translation>
<alignment>
1 2 3 <==> 1 2 3 // SIMI // 3 // the red fox <==> a brown fox
4 <==> 4 // EQUI // 5 // jumps <==> leaps
5 6 7 8 <==> 5 6 7 // SPE1_FACT // 4 // over a lazy dog <==> over the dog
9 <==> 0 // NOALI // NIL // . <==> -not aligned-
</alignment>
</sentence>


<sentence id="2" status="">
// rain and wind hit the coast
// storms hit coast towns
<source>
1 rain :
2 and :
3 wind :
4 hit :
5 the :
6 coast :
</source>
<translation>
1 storms :
2 hit :
3 coast :
4 towns :
</translation>
<alignment>
1 3 <==> 1 // REL // 3 // rain wind <==> storms
2 <==> 0 // NOALI // NIL // and <==> -not aligned-
4 <==> 2 // EQUI // 5 // hit <==> hit
5 6 <==> 3 4 // SPE2 // 4 // the coast <==> coast towns
</alignment>
</sentence>


<sentence id="3" status="">
// prices rose sharply
// prices fell , then prices rose
<source>
1 prices :
2 rose :
3 sharply :
</source>
<translation>
1 prices :
2 fell :
3 , :
4 then :
5 prices :
6 rose :
</translation>
<alignment>
1 <==> 1 // EQUI // 5 // prices <==> prices
1 <==> 5 // EQUI // 5 // prices <==> prices
2 3 <==> 2 // OPPO // 4 // rose sharply <==> fell
2 3 <==> 6 // SPE1 // 4 // rose sharply <==> rose
0 <==> 3 // NOALI // NIL // -not aligned- <==> ,
0 <==> 4 // NOALI // NIL // -not aligned- <==> then
</alignment>
</sentence>


"""
CHUNKS1 = """[ the red fox ] [ jumps ] [ over a lazy dog ] [ . ]
[ rain ] [ and ] [ wind ] [ hit ] [ the coast ]
[ prices ] [ rose sharply ]
"""
CHUNKS2 = """[ a brown fox ] [ leaps ] [ over the dog ]
[ storms ] [ hit ] [ coast towns ]
[ prices ] [ fell ] [ , ] [ then ] [ prices ] [ rose ]
"""
BASE = "train/train_2015_10_22.utf-8/STSint.input.headlines"


def write_release(root: Path, wa: str = WA, chunks1: str = CHUNKS1, chunks2: str = CHUNKS2) -> Path:
    """Write the headlines train files of the fixture under ``root`` (release layout); return root."""
    base = root / BASE
    base.parent.mkdir(parents=True, exist_ok=True)
    base.with_name(base.name + ".wa").write_text(wa, encoding="utf-8")
    base.with_name(base.name + ".sent1.chunk.txt").write_text(chunks1, encoding="utf-8")
    base.with_name(base.name + ".sent2.chunk.txt").write_text(chunks2, encoding="utf-8")
    return root


#: Pairs of the fixture written for each (split, subset) by :func:`write_full_release`: the first
#: N blocks of :data:`WA`, so that every file has its own count.
FULL_PAIRS: dict[tuple[str, str], int] = {
    ("train", "headlines"): 3,
    ("test", "headlines"): 2,
    ("train", "images"): 2,
    ("test", "images"): 1,
    ("train", "answers-students"): 1,
    ("test", "answers-students"): 3,
}


def first_pairs(n: int) -> tuple[str, str, str]:
    """The ``.wa`` text and the two chunk files of the fixture's first ``n`` pairs."""
    blocks = WA.split('<sentence id="')[1:]
    wa = "".join('<sentence id="' + block for block in blocks[:n])
    return wa, *("".join(line + "\n" for line in text.splitlines()[:n]) for text in (CHUNKS1, CHUNKS2))


def write_full_release(root: Path) -> Path:
    """Every file of the release layout that the importer reads (all subsets, both splits, with
    the fixture's first :data:`FULL_PAIRS` pairs) and a matching ``SHA256SUMS``; return root."""
    import hashlib

    from alignbench.sources.importers.ists2016 import RELEASE_FILES

    sums = []
    for key, base_name in sorted(RELEASE_FILES.items()):
        base = root / base_name
        base.parent.mkdir(parents=True, exist_ok=True)
        for suffix, text in zip(
            (".wa", ".sent1.chunk.txt", ".sent2.chunk.txt"), first_pairs(FULL_PAIRS[key]), strict=True
        ):
            path = base.with_name(base.name + suffix)
            path.write_text(text, encoding="utf-8")
            sums.append(f"{hashlib.sha256(text.encode()).hexdigest()}  {base_name}{suffix}")
    (root / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return root
