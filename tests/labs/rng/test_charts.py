"""The lab page's pictures: what each one shows, in both languages, within the size budget."""

import re
import xml.etree.ElementTree as ET

import pytest

from labs.rng import charts
from labs.rng.generators import make_generator

NS = "{http://www.w3.org/2000/svg}"


def svgs(name, seed, n, bit=0, language="en"):
    generator = make_generator(name, seed)
    values, width = generator.take(n), generator.output_bits
    return {
        "histogram": charts.histogram_svg(values, width, language),
        "pairs": charts.pairs_svg(values, width, language),
        "low_pairs": charts.low_bits_pairs_svg(values, language),
        "oblique": charts.triples_oblique_svg(values, width, language),
        "planes": charts.triples_planes_svg(values, width, language),
        "bits": charts.bits_svg(values, bit, language),
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_picture_is_well_formed_svg_and_all_of_them_stay_small(language):
    pictures = svgs("csprng", None, 200_000, bit=3, language=language)
    for markup in pictures.values():
        root = ET.fromstring(markup)
        assert root.find(f"{NS}title").text and root.find(f"{NS}desc").text
        assert "style=" not in markup
    assert sum(len(m) for m in pictures.values()) < 300_000


def test_the_histogram_counts_every_output_once():
    markup = svgs("mt19937", 5489, 6400)["histogram"]
    counts = [int(c) for c in re.findall(r"\): (\d+)</title>", markup)]
    assert len(counts) == charts.HISTOGRAM_BINS and sum(counts) == 6400


def test_low_bits_of_a_power_of_two_lcg_take_at_most_256_distinct_pairs():
    assert "256 distinct" in svgs("lcg", 0, 10_000)["low_pairs"]
    distinct = int(
        re.search(r"([\d,]+) distinct", svgs("mt19937", 1, 10_000)["low_pairs"])
        .group(1)
        .replace(",", "")
    )
    assert distinct > 3000


def test_every_randu_triple_lies_on_a_plane_and_other_generators_almost_never():
    randu = make_generator("randu", 1).take(30_000)
    assert charts.randu_relation_share(randu, 31) == (3000, 3000)
    pcg = make_generator("pcg32", 42).take(30_000)
    assert charts.randu_relation_share(pcg, 32)[0] == 0


def test_the_planes_view_labels_the_fifteen_planes():
    markup = svgs("randu", 1, 30_000)["planes"]
    labels = re.findall(r'<text x="[\d.]+" y="[\d.]+">([−\d]+)</text>', markup)
    assert labels == [
        "−5",
        "−4",
        "−3",
        "−2",
        "−1",
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
    ]


def test_bit_zero_of_the_lcg_alternates_in_every_row():
    rows = charts.bit_rows(make_generator("lcg", 0).take(4096), 0)
    assert len(rows) == 64 and all(row == [1, 0] * 32 or row == [0, 1] * 32 for row in rows)


def test_a_tiny_sample_still_draws():
    pictures = svgs("lcg", 0, 3)
    assert len(charts.bit_rows(make_generator("lcg", 0).take(3), 0)) == 1
    assert all(p.startswith("<svg") for p in pictures.values())


def test_bit_k_of_the_lcg_repeats_every_2_to_the_k_plus_1_outputs_and_mt_never():
    lcg = make_generator("lcg", 0).take(4096)
    assert [charts.bit_period(lcg, k) for k in range(8)] == [2, 4, 8, 16, 32, 64, 128, 256]
    randu = make_generator("randu", 1).take(4096)
    assert charts.bit_period(randu, 0) == 1  # every RANDU output is odd
    mt = make_generator("mt19937", 5489).take(4096)
    assert all(charts.bit_period(mt, k) is None for k in range(8))
