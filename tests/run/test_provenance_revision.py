"""provenance.json names the git revision a run started from, not the one at its end: a long run
(compare_attention.yaml, 2026-12-07) recorded a commit made by someone else while it ran."""
from attnsim import provenance as prov


def test_revision_is_the_one_at_the_start(monkeypatch):
    monkeypatch.setattr(prov, "git_revision", lambda: {"revision": "a" * 40, "dirty": False})
    prov.run_started(1000.0)
    monkeypatch.setattr(prov, "git_revision", lambda: {"revision": "b" * 40, "dirty": True})
    assert prov.provenance(1, {}, 1000.0)["git"] == {"revision": "a" * 40, "dirty": False}
    assert prov.provenance(1, {}, 2000.0)["git"]["revision"] == "b" * 40     # never recorded: the current one
