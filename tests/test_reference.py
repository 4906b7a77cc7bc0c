"""Reference: docs/reference.md is written from the declarations it documents, and covers every page and variable."""

from __future__ import annotations

from pathlib import Path

from dossier.build import check
from dossier.model import link_records
from dossier.pages import Page, site_map
from dossier.reference import TARGET, TEMPLATES, reference
from dossier.registry import every_type
from tests.helpers import SAMPLE

REPO = Path(__file__).parent.parent


def test_the_committed_reference_is_up_to_date() -> None:
    committed = (REPO / TARGET).read_text(encoding="utf-8")
    assert committed == reference(), "docs/reference.md is out of date: run python -m dossier.reference"


def test_every_key_of_every_record_type_is_in_the_reference() -> None:
    text = reference()
    for record_type in every_type():
        for spec in record_type.fields:
            assert f"| `{spec.name}` |" in text, (record_type.name, spec.name)


def test_every_template_of_the_site_map_and_its_variables_are_documented() -> None:
    site = link_records(check(SAMPLE))
    for job in site_map(site):
        if not isinstance(job, Page):
            continue
        assert job.template in TEMPLATES, job.template
        described = TEMPLATES[job.template][1]
        for variable in set(job.variables) - {"section", "root"}:
            assert variable in described, (job.template, variable)


def test_every_block_filter_and_function_of_the_theme_is_documented() -> None:
    import jinja2
    from jinja2 import nodes

    from dossier.environment import make_env
    from dossier.project import THEME
    from dossier.reference import BLOCKS, FILTERS, GLOBALS

    env = make_env(REPO / "no-project")
    base = env.parse((THEME / "base.html").read_text(encoding="utf-8"))
    assert list(BLOCKS) == [block.name for block in base.find_all(nodes.Block)]  # in page order
    builtin = jinja2.Environment()
    assert set(FILTERS) == set(env.filters) - set(builtin.filters)
    assert set(GLOBALS) == set(env.globals) - set(builtin.globals)
