"""The outlet gazetteer: canonical names, URL domains, and outlets named in running text."""

from __future__ import annotations

import pytest

from detector.outlets import canonical_outlet, find_outlet_mentions, is_outlet, outlet_from_url


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("WSJ", "The Wall Street Journal"),
        ("wall street journal", "The Wall Street Journal"),
        ("Spiegel", "Der Spiegel"),
        ("  Der   Spiegel. ", "Der Spiegel"),
        ("Kyiv Independent", "The Kyiv Independent"),
        ("the Kyiv Independent", "The Kyiv Independent"),
        ("Zero Hedge", "ZeroHedge"),
        ("The CNN", "CNN"),
        ("the Global Times", "Global Times"),
        ("NYT", "The New York Times"),
    ],
)
def test_canonical_names(name, canonical):
    assert canonical_outlet(name) == canonical
    assert is_outlet(name)


@pytest.mark.parametrize("name", [None, "", "Mystery Valley Gazette", "Foreign Ministry", "John Kirby"])
def test_unknown_names_are_not_outlets(name):
    assert canonical_outlet(name) is None
    assert not is_outlet(name)


@pytest.mark.parametrize(
    "url, outlet",
    [
        ("https://edition.cnn.com/2023/02/22/world/story", "CNN"),
        ("https://www.wsj.com/articles/x", "The Wall Street Journal"),
        ("http://kyivindependent.com/news/a", "The Kyiv Independent"),
        ("https://sub.deeper.spiegel.de/a", "Der Spiegel"),  # subdomains resolve to the registered outlet
        ("www.zerohedge.com/geopolitical/b", "ZeroHedge"),  # no scheme
        ("https://www.example.org/story", "example.org"),  # unknown: the bare domain
        ("https://News.Example.ORG/x", "news.example.org"),
    ],
)
def test_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


@pytest.mark.parametrize("url", [None, "", "localhost", "http://[::1", "not a url"])
def test_outlet_from_bad_url_is_none(url):
    assert outlet_from_url(url) is None


def test_mentions_in_order_with_spans():
    text = "According to the Wall Street Journal, which cited WSJ sources, Spiegel later said the same."
    found = find_outlet_mentions(text)
    assert [name for name, _, _ in found] == ["The Wall Street Journal", "The Wall Street Journal", "Der Spiegel"]
    assert [text[s:e] for _, s, e in found] == ["the Wall Street Journal", "WSJ", "Spiegel"]


def test_longest_alias_wins():
    text = "German magazine Der Spiegel reported it first."
    ((name, s, e),) = find_outlet_mentions(text)
    assert name == "Der Spiegel" and text[s:e] == "German magazine Der Spiegel"


def test_short_aliases_only_in_capitals():
    assert find_outlet_mentions("The AP said so.") == [("Associated Press", 4, 6)]
    assert find_outlet_mentions("the map app shows the ap route") == []
    assert find_outlet_mentions("Ft. Worth is a city in Texas.") == []


def test_no_mentions_inside_words_or_for_ambiguous_names():
    assert find_outlet_mentions("The CNNs of this world; a Spiegel-like magazine.") == []
    assert find_outlet_mentions("As the Times said yesterday.") == []  # too ambiguous to name an outlet
