"""The consistent-hashing lab page: every article link, htmx partials, 400s, caching, live pages."""

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.hashring import results
from labs.hashring.engine import LIMITS, LIVE

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[3] / "content" / "consistent-hashing"
LINK_RE = re.compile(r"\((/(?:en|zh-hans)/labs/hashring/[^)\s]*)\)")


def article_links() -> list[str]:
    links = set()
    for source in CONTENT.glob("*.md"):
        links.update(LINK_RE.findall(source.read_text(encoding="utf-8")))
    return sorted(links)


def lab(client, query: str = "", language: str = "en", **headers):
    return client.get(f"/{language}/labs/hashring/{query}", **headers)


def test_the_article_links_to_the_lab_with_parameters_and_anchors():
    links = article_links()
    assert any("#counts" in link for link in links)
    assert any("/live/" in link for link in links)
    assert len(links) >= 20


def test_every_article_link_to_the_lab_opens_with_its_anchor(client):
    # One test for all links: they share cached results (the cache is emptied per test).
    for link in article_links():
        path, _, anchor = link.partition("#")
        response = client.get(path)
        assert response.status_code == 200, link
        if anchor:
            assert f'id="{anchor}"'.encode() in response.content, link


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_renders_every_section_in_both_languages(client, language):
    response = lab(client, language=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    for anchor in ("counts", "ring", "spread", "compare"):
        assert f'id="{anchor}"' in html
    assert html.count('role="img"') == 4  # ring, keys per node, spread, comparison
    assert ("每个节点的键数" in html) == (language == "zh-hans")  # the charts follow the language
    assert f'href="/{language}/articles/consistent-hashing/"' in html
    assert f'href="/{language}/quizzes/consistent-hashing/"' in html


def test_the_page_is_public_for_five_minutes_and_varies_on_htmx(client):
    response = lab(client)
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_a_signed_in_reader_gets_a_private_page(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a long passphrase 1")
    client.force_login(user)
    response = lab(client)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_the_page_is_compressed_for_clients_that_accept_gzip(client):
    response = lab(client, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_an_htmx_request_gets_the_controls_and_results_only(client):
    response = lab(client, "?algorithm=jump&nodes=4&keys=2000", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="lab-controls"' in html and 'id="counts"' in html


def test_an_htmx_history_restore_gets_the_whole_page(client):
    response = lab(
        client,
        "?algorithm=jump&nodes=4&keys=2000",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_adding_a_node_shows_the_moved_keys_on_the_ring_and_where_they_went(client):
    response = lab(client, "?algorithm=ring&nodes=10&vnodes=160&keys=100000&change=add")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="moved"' in html  # circled keys in the ring picture
    moved = int(re.search(r'data-moved="(\d+)"', html).group(1))
    assert 0.06 < moved / 100_000 < 0.13
    assert "node-10</td>" in html  # the flows table: every move ends at the new node


def test_jump_hash_refuses_to_remove_a_middle_node_with_the_reason(client):
    response = lab(client, "?algorithm=jump&nodes=10&keys=100000&change=remove&node=node-3")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-reason="jump-removes-only-last-bucket"' in html
    assert "only the last one, node-9, can be removed" in html
    # The way forward: the last bucket, or the same removal under rendezvous hashing.
    assert "change=remove&amp;node=node-9" in html
    assert "algorithm=rendezvous" in html


def test_removing_the_only_node_is_refused_not_an_error(client):
    response = lab(client, "?nodes=1&keys=1000&change=remove")
    assert response.status_code == 200
    assert 'data-reason="last-node"' in response.content.decode()


def test_a_remove_without_a_node_removes_the_last_one(client):
    html = lab(client, "?algorithm=jump&nodes=5&keys=1000&change=remove").content.decode()
    assert "What removing node-4 moved" in html


def test_algorithms_without_a_ring_say_so_instead_of_drawing_one(client):
    html = lab(client, "?algorithm=maglev&nodes=4&keys=2000").content.decode()
    assert "no ring to draw" in html
    assert 'class="chart chart-ring"' not in html


def test_a_ring_with_too_many_points_is_explained_not_drawn(client):
    html = lab(client, "?algorithm=ring&nodes=100&vnodes=200&keys=1000").content.decode()
    assert "too many points to draw" in html


def test_a_shared_link_is_computed_once(client, monkeypatch):
    calls = []
    original = results.add_node

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(results, "add_node", counting)
    query = "?algorithm=modulo&nodes=7&keys=5000&change=add"
    assert lab(client, query).status_code == 200
    assert lab(client, query, language="zh-hans").status_code == 200
    # Parameters modulo ignores do not make it a different request.
    assert lab(client, query + "&vnodes=3&c=2").status_code == 200
    assert len(calls) == 1


BAD_PARAMETERS = [
    ("algorithm=consistent", "algorithm"),
    ("hash=sha1", "hash"),
    ("nodes=0", "nodes"),
    ("nodes=101", "nodes"),
    ("nodes=ten", "nodes"),
    ("vnodes=0", "vnodes"),
    ("vnodes=201", "vnodes"),
    ("keys=0", "keys"),
    (f"keys={LIMITS.max_keys + 1}", "keys"),
    ("algorithm=rendezvous&keys=100001", "keys"),
    (f"hash=md5&keys={LIMITS.max_keys_md5 + 1}", "keys"),
    ("c=1", "c"),
    ("c=3.5", "c"),
    ("c=NaN", "c"),
    ("c=1.255", "c"),
    ("change=move", "change"),
    ("change=remove&node=node-99", "node"),
    ("change=add&node=node-3", "node"),
    ("change=add&node=bad%20name", "node"),
    ("change=add&node=" + "x" * 41, "node"),
    ("change=add&node=%00", "node"),
]


@pytest.mark.parametrize("query, parameter", BAD_PARAMETERS)
def test_every_bad_parameter_is_a_400_that_names_it_next_to_the_field(client, query, parameter):
    response = lab(client, f"?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{parameter}: " in html  # the summary: "name: problem (allowed: …)"
    if parameter not in ("change", "node"):  # those two are not among the controls
        field = re.search(rf'<[^>]*name="{parameter}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field
        assert f'id="id_{parameter}_error"' in html


def test_the_md5_key_limit_is_stated_with_its_reason(client):
    html = lab(client, "?hash=md5&keys=1000000").content.decode()
    assert f"{LIMITS.max_keys_md5:,}" in html
    assert f"(allowed: 1–{LIMITS.max_keys_md5})" in html


QUERY_NAMES = st.sampled_from(
    ["algorithm", "hash", "nodes", "vnodes", "keys", "c", "change", "node", "other"]
)
# Boundary values and junk; valid runs stay small so the examples stay fast (the engine's
# own tests cover the large ones).
QUERY_VALUES = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-1", "0", "1", "2", "3", "7", "99", "100", "101", "160", "200", "201"]),
    st.sampled_from(["1000", "100001", "250001", "1000001", "99999999999999999999", "1e3"]),
    st.sampled_from(["1.01", "1.5", "3", "3.01", "-0", "NaN", "Infinity", " 5 ", "0x10"]),
    st.sampled_from(["ring", "jump", "bounded", "modulo", "rendezvous", "maglev", "md5"]),
    st.sampled_from(["add", "remove", "node-0", "node-3", "node-99", "a/b", "<script>"]),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(QUERY_NAMES, QUERY_VALUES, max_size=6), st.integers(0, 65535))
def test_fuzzed_query_strings_never_give_a_server_error(client, query, reader):
    # Each example comes from its own address, so the page's rate limit never answers.
    address = f"10.9.{reader // 256}.{reader % 256}"
    response = lab(client, "?" + urlencode(query), REMOTE_ADDR=address)
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode()  # the query is escaped wherever shown


def test_the_live_room_page_connects_to_its_socket_in_the_readers_language(client):
    response = client.get("/zh-hans/labs/hashring/live/interview/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'ws-connect="/ws/labs/hashring/live/interview/?lang=zh-hans"' in html
    assert html.count('class="swatch') == LIVE.initial_nodes
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("room", ["Interview", "-x", "a" * 33, "a_b"])
def test_a_bad_room_name_is_not_found(client, room):
    assert client.get(f"/en/labs/hashring/live/{room}/").status_code == 404


def test_the_room_picker_goes_to_the_room_or_explains_the_name(client):
    response = client.get("/en/labs/hashring/live/?room=Team-7")
    assert response.status_code == 302
    assert response["Location"] == "/en/labs/hashring/live/team-7/"
    response = client.get("/en/labs/hashring/live/?room=no%20spaces")
    assert response.status_code == 400
    assert "room: " in response.content.decode()


def test_the_live_room_forms_work_without_javascript(client):
    url = "/en/labs/hashring/live/nojs/"
    response = client.post(url + "change/", {"action": "add", "node": "alice"}, follow=True)
    assert response.status_code == 200
    assert '<span class="node-name">alice</span>' in response.content.decode()
    response = client.post(url + "change/", {"action": "remove", "node": "bob"}, follow=True)
    assert "There is no node named bob on the ring." in response.content.decode()
